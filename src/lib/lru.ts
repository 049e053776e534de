/** A size-bounded map: reading or writing a key makes it the most recent; past `max` the least recent goes. */
export class Lru<K, V> {
  private readonly m = new Map<K, V>();
  constructor(private max: number) {}
  get(k: K): V | undefined {
    const v = this.m.get(k);
    if (v !== undefined) {
      this.m.delete(k);
      this.m.set(k, v);
    }
    return v;
  }
  set(k: K, v: V): void {
    this.m.delete(k);
    this.m.set(k, v);
    this.trim();
  }
  get size(): number {
    return this.m.size;
  }
  resize(max: number): void {
    this.max = Math.max(1, max);
    this.trim();
  }
  private trim(): void {
    while (this.m.size > this.max) this.m.delete(this.m.keys().next().value as K);
  }
}
