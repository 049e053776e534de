import { loadConfig } from '../../../src/config/index.js';
import { ConfigError } from '../../../src/core/errors.js';
import { assertLocalOnly, localOnlyProblems } from '../../../src/privacy/index.js';
import { appSettingSpecs } from '../../../connectors/index.js';

describe('LOCAL_ONLY', () => {
  test('off by default; on with the local defaults (hashing embeddings, pgvector)', () => {
    expect(loadConfig({}, appSettingSpecs).localOnly).toBe(false);
    const cfg = loadConfig({ LOCAL_ONLY: 'true' }, appSettingSpecs);
    expect(cfg.localOnly).toBe(true);
    expect(() => assertLocalOnly(cfg)).not.toThrow();
  });

  test('start-up refuses settings that would send data out, naming each', () => {
    expect(() =>
      loadConfig(
        {
          LOCAL_ONLY: 'true',
          EMBEDDINGS: 'openai',
          OPENAI_API_KEY: 'sk',
          VECTOR_STORE: 'pinecone',
          PINECONE_API_KEY: 'k',
          PINECONE_INDEX: 'i',
        },
        appSettingSpecs,
      ),
    ).toThrow(/VECTOR_STORE: pinecone sends CRM text to Pinecone[\s\S]*EMBEDDINGS: openai sends CRM text/);
  });

  test('assertLocalOnly checks a built config the same way', () => {
    const cfg = {
      localOnly: true,
      embeddings: 'openai' as const,
      vectorStore: { kind: 'pinecone' as const, apiKey: 'k', index: 'i', host: null },
    };
    expect(localOnlyProblems(cfg)).toHaveLength(2);
    expect(() => assertLocalOnly(cfg)).toThrow(ConfigError);
    expect(localOnlyProblems({ ...cfg, localOnly: false })).toEqual([]);
  });
});
