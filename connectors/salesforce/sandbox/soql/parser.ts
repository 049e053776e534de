/**
 * Recursive-descent parser for the SOQL subset a connector sends:
 * SELECT fields | COUNT() | (child subquery) FROM Obj [alias] [WHERE …] [ORDER BY …] [LIMIT n] [OFFSET n].
 * https://developer.salesforce.com/docs/atlas.en-us.soql_sosl.meta/soql_sosl/sforce_api_calls_soql_select.htm
 */
import { malformedQuery } from '../errors.js';
import { parseDate, parseDateTime } from '../time.js';
import { type Token, positionedMessage, tokenize } from './lexer.js';

export interface FieldRef {
  kind: 'field';
  path: string[];
  raw: string;
  pos: number;
}

export type SelectItem =
  FieldRef | { kind: 'subquery'; query: SoqlQuery; pos: number } | { kind: 'count'; pos: number };

export type SoqlValue =
  | { kind: 'string'; value: string; pos: number }
  | { kind: 'number'; value: number; pos: number }
  | { kind: 'boolean'; value: boolean; pos: number }
  | { kind: 'null'; pos: number }
  | { kind: 'date'; ms: number; text: string; pos: number }
  | { kind: 'datetime'; ms: number; text: string; pos: number }
  | { kind: 'dateLiteral'; name: string; n: number | null; text: string; pos: number };

export type ComparisonOp = '=' | '!=' | '<' | '<=' | '>' | '>=' | 'LIKE';

export type Condition =
  | { kind: 'and' | 'or'; items: Condition[] }
  | { kind: 'not'; item: Condition }
  | { kind: 'cmp'; field: FieldRef; op: ComparisonOp; value: SoqlValue }
  | { kind: 'in'; field: FieldRef; negated: boolean; values: SoqlValue[] }
  | { kind: 'semijoin'; field: FieldRef; negated: boolean; query: SoqlQuery };

export interface OrderItem {
  field: FieldRef;
  descending: boolean;
  nullsLast: boolean;
}

export interface SoqlQuery {
  select: SelectItem[];
  from: { name: string; pos: number };
  alias: string | null;
  where: Condition | null;
  orderBy: OrderItem[];
  limit: number | null;
  offset: number | null;
  source: string;
}

const RESERVED = new Set([
  'SELECT',
  'FROM',
  'WHERE',
  'ORDER',
  'BY',
  'LIMIT',
  'OFFSET',
  'AND',
  'OR',
  'NOT',
  'IN',
  'LIKE',
  'ASC',
  'DESC',
  'NULLS',
  'FIRST',
  'LAST',
  'NULL',
  'TRUE',
  'FALSE',
  'GROUP',
  'HAVING',
  'WITH',
  'FOR',
  'USING',
  'INCLUDES',
  'EXCLUDES',
]);

const DATE_LITERALS = new Set([
  'YESTERDAY',
  'TODAY',
  'TOMORROW',
  'LAST_WEEK',
  'THIS_WEEK',
  'NEXT_WEEK',
  'LAST_MONTH',
  'THIS_MONTH',
  'NEXT_MONTH',
  'LAST_90_DAYS',
  'NEXT_90_DAYS',
  'THIS_YEAR',
  'LAST_YEAR',
  'NEXT_YEAR',
]);
const DATE_LITERALS_N = new Set([
  'LAST_N_DAYS',
  'NEXT_N_DAYS',
  'N_DAYS_AGO',
  'LAST_N_WEEKS',
  'NEXT_N_WEEKS',
  'LAST_N_MONTHS',
  'NEXT_N_MONTHS',
]);

class Parser {
  private i = 0;
  constructor(
    private readonly tokens: Token[],
    private readonly source: string,
  ) {}

  private peek(offset = 0): Token {
    return this.tokens[Math.min(this.i + offset, this.tokens.length - 1)]!;
  }

  private next(): Token {
    const t = this.peek();
    if (this.i < this.tokens.length - 1) this.i++;
    return t;
  }

  private isKeyword(word: string, offset = 0): boolean {
    const t = this.peek(offset);
    return t.kind === 'ident' && t.text.toUpperCase() === word;
  }

  private fail(t: Token, message?: string): never {
    throw malformedQuery(positionedMessage(this.source, t.pos, message ?? `unexpected token: '${t.text}'`));
  }

  private expectKeyword(word: string): Token {
    if (!this.isKeyword(word)) this.fail(this.peek(), `unexpected token: '${this.peek().text}'`);
    return this.next();
  }

  private expect(kind: Token['kind']): Token {
    if (this.peek().kind !== kind) this.fail(this.peek());
    return this.next();
  }

  parseQuery(nested: boolean): SoqlQuery {
    this.expectKeyword('SELECT');
    const select = this.parseSelectList();
    this.expectKeyword('FROM');
    const fromTok = this.expect('ident');
    if (fromTok.text.includes('.') && !nested) this.fail(fromTok);
    let alias: string | null = null;
    if (this.peek().kind === 'ident' && !RESERVED.has(this.peek().text.toUpperCase())) alias = this.next().text;
    let where: Condition | null = null;
    if (this.isKeyword('WHERE')) {
      this.next();
      where = this.parseCondition();
    }
    if (this.isKeyword('GROUP') || this.isKeyword('HAVING'))
      this.fail(this.peek(), 'GROUP BY and HAVING are not supported by the sandbox');
    const orderBy: OrderItem[] = [];
    if (this.isKeyword('ORDER')) {
      this.next();
      this.expectKeyword('BY');
      do {
        const field = this.parseField();
        let descending = false;
        if (this.isKeyword('ASC')) this.next();
        else if (this.isKeyword('DESC')) {
          this.next();
          descending = true;
        }
        let nullsLast = descending;
        if (this.isKeyword('NULLS')) {
          this.next();
          if (this.isKeyword('FIRST')) nullsLast = false;
          else if (this.isKeyword('LAST')) nullsLast = true;
          else this.fail(this.peek());
          this.next();
        }
        orderBy.push({ field, descending, nullsLast });
      } while (this.peek().kind === 'comma' && this.next());
    }
    let limit: number | null = null;
    let offset: number | null = null;
    if (this.isKeyword('LIMIT')) {
      this.next();
      limit = this.parseInteger();
    }
    if (this.isKeyword('OFFSET')) {
      this.next();
      offset = this.parseInteger();
    }
    if (this.isKeyword('FOR') || this.isKeyword('WITH') || this.isKeyword('USING'))
      this.fail(this.peek(), `'${this.peek().text}' clauses are not supported by the sandbox`);
    if (nested) {
      if (this.peek().kind !== 'rparen') this.fail(this.peek());
    } else if (this.peek().kind !== 'eof') {
      this.fail(this.peek());
    }
    return {
      select,
      from: { name: fromTok.text, pos: fromTok.pos },
      alias,
      where,
      orderBy,
      limit,
      offset,
      source: this.source,
    };
  }

  private parseInteger(): number {
    const t = this.next();
    if (t.kind !== 'number' || !/^\d+$/.test(t.text)) this.fail(t);
    return Number(t.text);
  }

  private parseSelectList(): SelectItem[] {
    const items: SelectItem[] = [];
    do {
      const t = this.peek();
      if (t.kind === 'lparen') {
        this.next();
        const query = this.parseQuery(true);
        this.expect('rparen');
        items.push({ kind: 'subquery', query, pos: t.pos });
      } else if (t.kind === 'ident' && t.text.toUpperCase() === 'COUNT' && this.peek(1).kind === 'lparen') {
        this.next();
        this.next();
        if (this.peek().kind !== 'rparen')
          this.fail(this.peek(), 'Aggregate functions other than COUNT() are not supported by the sandbox');
        this.next();
        items.push({ kind: 'count', pos: t.pos });
      } else if (t.kind === 'ident' && this.peek(1).kind === 'lparen') {
        this.fail(t, `Function '${t.text}' is not supported by the sandbox`);
      } else {
        items.push(this.parseField());
      }
    } while (this.peek().kind === 'comma' && this.next());
    if (items.length === 0) this.fail(this.peek());
    return items;
  }

  private parseField(): FieldRef {
    const t = this.peek();
    if (t.kind !== 'ident' || (RESERVED.has(t.text.toUpperCase()) && !t.text.includes('.'))) this.fail(t);
    this.next();
    return { kind: 'field', path: t.text.split('.'), raw: t.text, pos: t.pos };
  }

  /** SOQL forbids mixing AND and OR at one level without parentheses. */
  private parseCondition(): Condition {
    const first = this.parseUnary();
    const items = [first];
    let op: 'and' | 'or' | null = null;
    while (this.isKeyword('AND') || this.isKeyword('OR')) {
      const t = this.next();
      const thisOp = t.text.toUpperCase() === 'AND' ? 'and' : 'or';
      if (op && op !== thisOp) this.fail(t);
      op = thisOp;
      items.push(this.parseUnary());
    }
    return op ? { kind: op, items } : first;
  }

  private parseUnary(): Condition {
    if (this.isKeyword('NOT')) {
      this.next();
      return { kind: 'not', item: this.parseUnary() };
    }
    if (this.peek().kind === 'lparen') {
      this.next();
      const inner = this.parseCondition();
      this.expect('rparen');
      return inner;
    }
    const field = this.parseField();
    let negated = false;
    if (this.isKeyword('NOT') && this.isKeyword('IN', 1)) {
      this.next();
      negated = true;
    }
    if (this.isKeyword('IN')) {
      this.next();
      this.expect('lparen');
      if (this.isKeyword('SELECT')) {
        const query = this.parseQuery(true);
        this.expect('rparen');
        return { kind: 'semijoin', field, negated, query };
      }
      const values: SoqlValue[] = [];
      do values.push(this.parseValue());
      while (this.peek().kind === 'comma' && this.next());
      this.expect('rparen');
      return { kind: 'in', field, negated, values };
    }
    if (negated) this.fail(this.peek());
    if (this.isKeyword('LIKE')) {
      this.next();
      return { kind: 'cmp', field, op: 'LIKE', value: this.parseValue() };
    }
    const opTok = this.peek();
    if (opTok.kind !== 'op') this.fail(opTok);
    this.next();
    return { kind: 'cmp', field, op: opTok.value as ComparisonOp, value: this.parseValue() };
  }

  private parseValue(): SoqlValue {
    const t = this.next();
    switch (t.kind) {
      case 'string':
        return { kind: 'string', value: t.value, pos: t.pos };
      case 'number':
        return { kind: 'number', value: Number(t.text), pos: t.pos };
      case 'date': {
        const ms = parseDate(t.text);
        if (ms === null) this.fail(t, `line 1:${t.pos} Invalid date: ${t.text}`);
        return { kind: 'date', ms, text: t.text, pos: t.pos };
      }
      case 'datetime': {
        const ms = parseDateTime(t.text);
        if (ms === null) this.fail(t, `line 1:${t.pos} Invalid datetime: ${t.text}`);
        return { kind: 'datetime', ms, text: t.text, pos: t.pos };
      }
      case 'ident': {
        const upper = t.text.toUpperCase();
        if (upper === 'NULL') return { kind: 'null', pos: t.pos };
        if (upper === 'TRUE' || upper === 'FALSE') return { kind: 'boolean', value: upper === 'TRUE', pos: t.pos };
        if (DATE_LITERALS.has(upper)) return { kind: 'dateLiteral', name: upper, n: null, text: t.text, pos: t.pos };
        if (DATE_LITERALS_N.has(upper)) {
          this.expect('colon');
          const n = this.parseInteger();
          return { kind: 'dateLiteral', name: upper, n, text: `${t.text}:${n}`, pos: t.pos };
        }
        return this.fail(t);
      }
      case 'colon':
        return this.fail(t, 'Bind variables are only available in Apex');
      default:
        return this.fail(t);
    }
  }
}

/** Parses one SOQL statement; throws MALFORMED_QUERY with the API's positioned message. */
export function parseSoql(source: string): SoqlQuery {
  const tokens = tokenize(source);
  return new Parser(tokens, source).parseQuery(false);
}
