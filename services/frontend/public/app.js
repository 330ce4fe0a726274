'use strict';

const NAME_KEY = 'quizmesh.player';
const MAX_NAME_LENGTH = 32;
const LEADERBOARD_EVERY_MS = 5000;
const REQUEST_TIMEOUT_MS = 15000;

const byId = (id) => document.getElementById(id);
const els = {
  playerBox: byId('player-box'),
  playerName: byId('player-name'),
  score: byId('score'),
  changeName: byId('change-name'),
  nameSection: byId('name-section'),
  nameForm: byId('name-form'),
  nameInput: byId('name-input'),
  nameError: byId('name-error'),
  nameCancel: byId('name-cancel'),
  quiz: byId('quiz'),
  banner: byId('error-banner'),
  errorContext: byId('error-context'),
  errorText: byId('error-text'),
  retry: byId('retry'),
  skip: byId('skip'),
  description: byId('description'),
  cards: byId('cards'),
  result: byId('result'),
  resultText: byId('result-text'),
  next: byId('next'),
  timing: byId('timing'),
  board: byId('leaderboard-body'),
  boardStatus: byId('leaderboard-status'),
  announce: byId('announce'),
};

const state = {
  player: null,
  score: null,
  round: null,
  answered: false,
  answering: false,
  roundSeq: 0,
  boardSeq: 0,
  boardTimer: undefined,
  retryAction: null,
  timings: {},
};

class ApiError extends Error {
  constructor(label, message, ms) {
    super(message);
    this.label = label; // HTTP status, or "Network error" / "Timeout"
    this.ms = ms;
  }
}

/** fetch() a JSON API; resolves {data, ms} or rejects with an ApiError carrying the status. */
async function api(path, { method = 'GET', body, sendPlayer = true } = {}) {
  const headers = { Accept: 'application/json' };
  if (sendPlayer && state.player) headers['x-quiz-player'] = encodeURIComponent(state.player);
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const started = window.performance.now();
  const elapsed = () => Math.round(window.performance.now() - started);
  let res;
  let text;
  try {
    res = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      cache: 'no-store',
      signal: window.AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    text = await res.text();
  } catch (err) {
    const timedOut = err instanceof Error && err.name === 'TimeoutError';
    throw timedOut
      ? new ApiError('Timeout', `no answer within ${REQUEST_TIMEOUT_MS / 1000} s`, elapsed())
      : new ApiError('Network error', 'could not reach the server', elapsed());
  }
  const ms = elapsed();
  let data;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = null; // e.g. a plain-text error page from a proxy
  }
  if (!res.ok) {
    const message =
      data && typeof data.error === 'string' && data.error
        ? data.error
        : text.trim().slice(0, 200) || res.statusText || 'request failed';
    throw new ApiError(String(res.status), message, ms);
  }
  if (!data || typeof data !== 'object') {
    throw new ApiError(String(res.status), 'the server sent an unreadable answer', ms);
  }
  return { data, ms };
}

function describeError(err) {
  if (err instanceof ApiError) return `${err.label} — ${err.message}`;
  console.error(err);
  return `Unexpected error — ${err instanceof Error ? err.message : String(err)}`;
}

/* ---------- Player name ---------- */

function normalizeName(raw) {
  return String(raw || '')
    .normalize('NFC')
    .trim();
}

function nameProblem(name) {
  if (!name) return 'Please enter a name.';
  if (name.length > MAX_NAME_LENGTH) return `Please use at most ${MAX_NAME_LENGTH} characters.`;
  return null;
}

function loadSavedName() {
  const fromUrl = normalizeName(new URLSearchParams(window.location.search).get('player'));
  if (fromUrl && !nameProblem(fromUrl)) return fromUrl;
  try {
    const saved = normalizeName(localStorage.getItem(NAME_KEY));
    return saved && !nameProblem(saved) ? saved : null;
  } catch {
    return null; // storage disabled
  }
}

function setPlayer(name) {
  const changed = name !== state.player;
  state.player = name;
  try {
    localStorage.setItem(NAME_KEY, name);
  } catch {
    // storage disabled: the name lasts for this page only
  }
  els.playerName.textContent = name;
  els.playerBox.hidden = false;
  if (changed) setScore(null);
  return changed;
}

function setScore(score) {
  state.score = typeof score === 'number' && Number.isFinite(score) ? score : null;
  els.score.textContent = state.score === null ? '—' : String(state.score);
}

function showNameForm() {
  els.nameInput.value = state.player || '';
  els.nameError.textContent = '';
  els.nameCancel.hidden = !state.player;
  els.nameSection.hidden = false;
  els.quiz.hidden = true;
  els.nameInput.focus();
  els.nameInput.select();
}

function hideNameForm() {
  els.nameSection.hidden = true;
  els.quiz.hidden = false;
}

els.nameForm.addEventListener('submit', (event) => {
  event.preventDefault();
  const name = normalizeName(els.nameInput.value);
  const problem = nameProblem(name);
  if (problem) {
    els.nameError.textContent = problem;
    els.nameInput.focus();
    return;
  }
  const changed = setPlayer(name);
  hideNameForm();
  if (changed || !state.round) void loadRound();
  void refreshLeaderboard();
});

els.nameCancel.addEventListener('click', () => {
  hideNameForm();
  els.changeName.focus();
});
els.changeName.addEventListener('click', showNameForm);

/* ---------- Error banner & timing ---------- */

function showError(context, err, retryAction, offerNewRound) {
  els.errorContext.textContent = context;
  els.errorText.textContent = describeError(err);
  state.retryAction = retryAction;
  els.skip.hidden = !offerNewRound;
  els.banner.hidden = false;
  els.retry.focus();
}

function hideError() {
  els.banner.hidden = true;
  state.retryAction = null;
}

els.retry.addEventListener('click', () => {
  const action = state.retryAction;
  hideError();
  if (action) void action();
});
els.skip.addEventListener('click', () => {
  hideError();
  void loadRound();
});

function setTiming(kind, text) {
  state.timings[kind] = text;
  els.timing.textContent = [state.timings.round, state.timings.answer].filter(Boolean).join(' · ');
}

/* ---------- Rounds ---------- */

function isValidRound(data) {
  return (
    typeof data.id === 'string' &&
    typeof data.description === 'string' &&
    Array.isArray(data.images) &&
    data.images.length > 0 &&
    data.images.every((img) => img && typeof img.id === 'string' && typeof img.url === 'string')
  );
}

async function loadRound() {
  const seq = ++state.roundSeq;
  state.round = null;
  state.answered = false;
  hideError();
  els.result.hidden = true;
  els.cards.classList.add('loading');
  for (const card of els.cards.children) card.disabled = true;
  els.quiz.setAttribute('aria-busy', 'true');
  els.description.textContent = 'Loading a new round…';
  state.timings = {};
  try {
    const { data, ms } = await api('/api/round');
    if (seq !== state.roundSeq) return;
    if (!isValidRound(data)) throw new ApiError('200', 'the round is missing its images', ms);
    state.round = data;
    renderRound(data);
    // The round carries the player's standing, so a reload shows the score at once.
    if (data.player && typeof data.player.score === 'number') setScore(data.player.score);
    setTiming('round', `round loaded in ${ms} ms`);
    els.description.focus();
    els.announce.textContent = `New round: ${data.description}`;
  } catch (err) {
    if (seq !== state.roundSeq) return;
    els.description.textContent = 'No round to show right now.';
    els.cards.replaceChildren();
    if (err instanceof ApiError) setTiming('round', `round failed after ${err.ms} ms`);
    showError('Couldn’t load a round', err, loadRound, false);
  } finally {
    if (seq === state.roundSeq) {
      els.cards.classList.remove('loading');
      els.quiz.removeAttribute('aria-busy');
    }
  }
}

function renderRound(round) {
  els.description.textContent = round.description;
  const cards = round.images.map((image, index) => {
    const card = document.createElement('button');
    card.type = 'button';
    card.className = 'card';
    card.dataset.imageId = image.id;
    const img = document.createElement('img');
    img.src = image.url;
    img.alt = `option ${index + 1}`;
    img.addEventListener('error', () => card.classList.add('broken'), { once: true });
    const num = document.createElement('span');
    num.className = 'num';
    num.setAttribute('aria-hidden', 'true');
    num.textContent = String(index + 1);
    const verdict = document.createElement('span');
    verdict.className = 'verdict';
    card.append(img, num, verdict);
    card.addEventListener('click', () => void answer(image.id));
    return card;
  });
  els.cards.replaceChildren(...cards);
}

async function answer(imageId) {
  const round = state.round;
  if (!round || state.answered || state.answering) return;
  state.answering = true;
  hideError();
  const cards = Array.from(els.cards.children);
  for (const card of cards) {
    card.disabled = true;
    card.classList.toggle('picked', card.dataset.imageId === imageId);
  }
  try {
    const { data, ms } = await api(`/api/round/${encodeURIComponent(round.id)}/answer`, {
      method: 'POST',
      body: { player: state.player, imageId },
    });
    if (round !== state.round) return;
    state.answered = true;
    showResult(cards, imageId, data);
    setTiming('answer', `answer checked in ${ms} ms`);
    void refreshLeaderboard();
  } catch (err) {
    if (round !== state.round) return;
    for (const card of cards) {
      card.disabled = false;
      card.classList.remove('picked');
    }
    if (err instanceof ApiError) setTiming('answer', `answer failed after ${err.ms} ms`);
    showError('Couldn’t send your answer', err, () => answer(imageId), true);
  } finally {
    state.answering = false;
  }
}

function showResult(cards, pickedId, data) {
  const correct = data.correct === true;
  const rightId = correct ? pickedId : data.correctImageId;
  let rightNumber = null;
  cards.forEach((card, index) => {
    const id = card.dataset.imageId;
    const verdict = card.querySelector('.verdict');
    card.classList.remove('picked');
    if (id === rightId) {
      card.classList.add('correct');
      verdict.textContent = id === pickedId ? '✓ Your pick — correct' : '✓ Correct answer';
      rightNumber = index + 1;
    } else if (id === pickedId) {
      card.classList.add('wrong');
      verdict.textContent = '✗ Your pick';
    } else {
      card.classList.add('dim');
    }
  });
  if (typeof data.score === 'number') setScore(data.score);
  els.resultText.className = `result-text ${correct ? 'good' : 'bad'}`;
  els.resultText.textContent = correct
    ? '✓ Correct!'
    : `✗ Not this time${rightNumber ? ` — it was option ${rightNumber}` : ''}.`;
  const scoreText = state.score === null ? '' : ` Your score: ${state.score}.`;
  els.announce.textContent = els.resultText.textContent + scoreText;
  els.result.hidden = false;
  els.next.focus();
}

els.next.addEventListener('click', () => void loadRound());

document.addEventListener('keydown', (event) => {
  if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey) return;
  if (els.quiz.hidden) return;
  const target = event.target instanceof window.Element ? event.target : null;
  if (target && target.closest('input, textarea, select')) return;
  const onButton = target && target.closest('button, a');
  if ((event.key === 'Enter' || event.key === ' ') && !onButton && state.answered) {
    event.preventDefault();
    void loadRound();
  } else if (/^[1-4]$/.test(event.key) && state.round && !state.answered) {
    const card = els.cards.children[Number(event.key) - 1];
    if (card && !card.disabled) {
      event.preventDefault();
      card.click();
    }
  }
});

/* ---------- Leaderboard ---------- */

function cell(text, className) {
  const td = document.createElement('td');
  td.textContent = text;
  if (className) td.className = className;
  return td;
}

function formatNumber(value) {
  return typeof value === 'number' && Number.isFinite(value) ? String(value) : '—';
}

function renderLeaderboard(players) {
  if (players.length === 0) {
    const row = document.createElement('tr');
    const td = cell('No scores yet — be the first!', 'muted');
    td.colSpan = 4;
    row.append(td);
    els.board.replaceChildren(row);
    return;
  }
  const rows = players.map((entry, index) => {
    const name = entry && typeof entry.player === 'string' ? entry.player : '?';
    const row = document.createElement('tr');
    const nameCell = cell(name);
    if (state.player && name === state.player) {
      row.className = 'me';
      row.setAttribute('aria-current', 'true');
      const you = document.createElement('span');
      you.className = 'you';
      you.textContent = ' (you)';
      nameCell.append(you);
      if (state.score === null) setScore(entry.score);
    }
    row.append(
      cell(String(index + 1)),
      nameCell,
      cell(formatNumber(entry && entry.score), 'num'),
      cell(formatNumber(entry && entry.answered), 'num'),
    );
    return row;
  });
  els.board.replaceChildren(...rows);
}

async function refreshLeaderboard() {
  const seq = ++state.boardSeq;
  window.clearTimeout(state.boardTimer);
  try {
    const query = new URLSearchParams({ limit: '10' });
    const { data } = await api(`/api/leaderboard?${query.toString()}`, { sendPlayer: false });
    if (seq !== state.boardSeq) return;
    renderLeaderboard(Array.isArray(data.players) ? data.players : []);
    els.boardStatus.className = 'muted';
    els.boardStatus.textContent = `Updated ${new Date().toLocaleTimeString()}`;
  } catch (err) {
    if (seq !== state.boardSeq) return;
    els.boardStatus.className = 'error';
    els.boardStatus.textContent = `Couldn’t refresh: ${describeError(err)}`;
  } finally {
    if (seq === state.boardSeq) {
      state.boardTimer = setTimeout(() => void refreshLeaderboard(), LEADERBOARD_EVERY_MS);
    }
  }
}

/* ---------- Start ---------- */

const savedName = loadSavedName();
if (savedName) {
  setPlayer(savedName);
  hideNameForm();
  void loadRound();
} else {
  showNameForm();
}
void refreshLeaderboard();
