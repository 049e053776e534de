/**
 * Limited-memory BFGS with a backtracking (Armijo) line search. Small and deterministic; enough for the
 * smooth convex objectives used here (L2-regularised logistic loss).
 */
export type Objective = (x: Float64Array, grad: Float64Array) => number;

export interface LbfgsOptions {
  maxIterations: number;
  memory: number;
  tolerance: number;
}

const dot = (a: Float64Array, b: Float64Array): number => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
};

export function minimizeLbfgs(
  f: Objective,
  x0: Float64Array,
  opts: LbfgsOptions = { maxIterations: 200, memory: 10, tolerance: 1e-6 },
): Float64Array {
  const d = x0.length;
  let x = Float64Array.from(x0);
  let g = new Float64Array(d);
  let fx = f(x, g);
  const S: Float64Array[] = [];
  const Y: Float64Array[] = [];
  const rho: number[] = [];
  const dir = new Float64Array(d);
  const alpha = new Array<number>(opts.memory).fill(0);
  for (let it = 0; it < opts.maxIterations; it++) {
    if (Math.sqrt(dot(g, g)) < opts.tolerance) break;
    // Two-loop recursion: dir = -H g.
    dir.set(g);
    for (let k = S.length - 1; k >= 0; k--) {
      alpha[k] = rho[k]! * dot(S[k]!, dir);
      const yk = Y[k]!;
      for (let i = 0; i < d; i++) dir[i]! -= alpha[k]! * yk[i]!;
    }
    if (S.length > 0) {
      const last = S.length - 1;
      const gamma = dot(S[last]!, Y[last]!) / dot(Y[last]!, Y[last]!);
      for (let i = 0; i < d; i++) dir[i]! *= gamma;
    }
    for (let k = 0; k < S.length; k++) {
      const beta = rho[k]! * dot(Y[k]!, dir);
      const sk = S[k]!;
      for (let i = 0; i < d; i++) dir[i]! += sk[i]! * (alpha[k]! - beta);
    }
    for (let i = 0; i < d; i++) dir[i] = -dir[i]!;
    let slope = dot(g, dir);
    if (slope >= 0) {
      // not a descent direction: restart from steepest descent
      S.length = 0;
      Y.length = 0;
      rho.length = 0;
      for (let i = 0; i < d; i++) dir[i] = -g[i]!;
      slope = dot(g, dir);
    }
    let step = it === 0 && S.length === 0 ? Math.min(1, 1 / Math.sqrt(dot(g, g))) : 1;
    const xNew = new Float64Array(d);
    const gNew = new Float64Array(d);
    let fNew = Infinity;
    for (let ls = 0; ls < 30; ls++) {
      for (let i = 0; i < d; i++) xNew[i] = x[i]! + step * dir[i]!;
      fNew = f(xNew, gNew);
      if (fNew <= fx + 1e-4 * step * slope) break;
      step *= 0.5;
    }
    if (!(fNew < fx)) break;
    const s = new Float64Array(d);
    const y = new Float64Array(d);
    for (let i = 0; i < d; i++) {
      s[i] = xNew[i]! - x[i]!;
      y[i] = gNew[i]! - g[i]!;
    }
    const sy = dot(s, y);
    if (sy > 1e-12) {
      if (S.length === opts.memory) {
        S.shift();
        Y.shift();
        rho.shift();
      }
      S.push(s);
      Y.push(y);
      rho.push(1 / sy);
    }
    const improvement = fx - fNew;
    x = xNew;
    g = gNew;
    fx = fNew;
    if (improvement < opts.tolerance * Math.max(1, Math.abs(fx))) break;
  }
  return x;
}
