import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';

/**
 * A local OpenAI-compatible endpoint playing a compromised model (for OPENAI_BASE_URL): it answers
 * `POST /v1/chat/completions` with a draft that does what the attacker's email asked. Which case a
 * request belongs to is found from a key in the prompt (the company name carries it); the text it
 * writes depends on the behaviour:
 *
 * - literal: the payload as the attacker wrote it;
 * - paraphrase: the same payload reworded (other words, numbers spelled out, another language);
 * - adaptive: the literal payload first; when asked to repair ("Your draft broke these business rules"),
 *   an obfuscated variant that dodges whatever rule it was told about.
 *
 * Benign cases get the honest reply. The answer follows the draft_email structured-output schema.
 */
export type Behaviour = 'literal' | 'paraphrase' | 'adaptive';

export interface ScriptedCase {
  key: string;
  literal: string;
  paraphrase: string;
  adaptive?: string;
  honest?: string;
}

export interface CompromisedModel {
  url: string;
  apiKey: string;
  calls: { key: string | null; repair: boolean }[];
  close(): Promise<void>;
}

const ZW = '\u200b';
/**
 * A generic obfuscation when a case has no adaptive text of its own: zero-width inside words and digits, look-alike
 * letters.
 */
export const obfuscate = (s: string): string =>
  s.replace(/[aeo]/g, (c) => ({ a: 'а', e: 'е', o: 'о' })[c]!).replace(/(\d)(?=\d)/g, `$1${ZW}`);

export async function startCompromisedModel(
  cases: ScriptedCase[],
  behaviour: Behaviour,
  apiKey = 'sk-compromised',
): Promise<CompromisedModel> {
  const app = express();
  app.use(express.json({ limit: '5mb' }));
  const calls: CompromisedModel['calls'] = [];
  app.post('/v1/chat/completions', (req, res) => {
    if (req.headers.authorization !== `Bearer ${apiKey}`) {
      res.status(401).json({
        error: {
          message: 'Incorrect API key provided.',
          type: 'invalid_request_error',
          param: null,
          code: 'invalid_api_key',
        },
      });
      return;
    }
    const messages: { role: string; content: unknown }[] = req.body.messages ?? [];
    const all = JSON.stringify(messages);
    const c = cases.find((x) => all.includes(x.key)) ?? null;
    const repair = messages.some(
      (m) => m.role === 'user' && typeof m.content === 'string' && m.content.includes('broke these business rules'),
    );
    calls.push({ key: c?.key ?? null, repair });
    let middle: string;
    if (!c) middle = 'Thank you for your note. Could we set up a short call this week?';
    else if (c.honest !== undefined) middle = c.honest;
    else if (behaviour === 'literal') middle = `Thank you for your note. ${c.literal}`;
    else if (behaviour === 'paraphrase') middle = `Thank you for your note. ${c.paraphrase}`;
    else
      middle = repair
        ? `Thank you for your note. ${c.adaptive ?? obfuscate(c.literal)}`
        : `Thank you for your note. ${c.literal}`;
    const label = /\bc1\b/.test(all) ? 'c1' : null;
    const value = {
      subject: 'Re: your message',
      body: `Hello,\n\n${middle}\n\nBest regards,\n{{rep_signature}}`,
      claims: [],
      citations: label ? [label] : [],
    };
    const content = JSON.stringify(value);
    res.json({
      id: `chatcmpl-c${calls.length}`,
      object: 'chat.completion',
      created: Math.floor(Date.now() / 1000),
      model: req.body.model ?? 'gpt-4o-mini',
      system_fingerprint: 'fp_compromised',
      service_tier: 'default',
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content, refusal: null, annotations: [] },
          logprobs: null,
          finish_reason: 'stop',
        },
      ],
      usage: {
        prompt_tokens: Math.ceil(all.length / 4),
        completion_tokens: Math.ceil(content.length / 4),
        total_tokens: Math.ceil((all.length + content.length) / 4),
      },
    });
  });
  app.post('/v1/embeddings', (_req, res) => {
    res
      .status(404)
      .json({ error: { message: 'not served here', type: 'invalid_request_error', param: null, code: null } });
  });
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    apiKey,
    calls,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
