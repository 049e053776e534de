import nock from 'nock';
test('probe', async () => {
  nock('https://api.openai.com').post('/v1/embeddings').reply(200, (_u, raw) => { console.log('RAW', typeof raw, raw); return { ok: 1 }; });
  const r = await fetch('https://api.openai.com/v1/embeddings', { method: 'POST', body: JSON.stringify({ input: ['a'] }), headers: { 'content-type': 'application/json' } }).catch((e) => e);
  console.log(r.status ?? r, r.cause);
});
