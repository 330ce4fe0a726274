// The console's JSON API, as the page calls it: an answer, or an Error carrying the server's words.

export class ApiError extends Error {
  constructor(status, body) {
    super(typeof body?.error === 'string' ? body.error : `the console answered ${status}`);
    this.status = status;
    this.body = body;
  }
}

async function answer(response) {
  const body = await response.json().catch(() => undefined);
  if (!response.ok) throw new ApiError(response.status, body);
  return body;
}

export async function getJson(url) {
  return answer(await fetch(url, { headers: { accept: 'application/json' } }));
}

export async function postJson(url, body) {
  return answer(
    await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify(body),
    }),
  );
}
