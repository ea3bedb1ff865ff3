// Linli demo page — state, the JSON API (docs/demo.md) and live events. Loaded after
// render.js (namespace R) and before app.js (the chat UI, which calls start()).
"use strict";

const S = {
  personas: [],          // Persona[] in the server's order (the list order)
  byId: new Map(),       // chat_id → Persona
  now: 0,
  seq: 0,                // last applied event seq
  current: null,         // chat_id of the open chat
  history: new Map(),    // chat_id → Message[] for chats whose history we fetched
  loading: new Map(),    // chat_id → [Message, isEdit][] events that arrived while its history was loading
  unread: new Map(),     // chat_id → count
  sendAs: new Map(),     // group chat_id → member user_id chosen in "send as"
  pending: new Set(),    // inline button presses in flight (ignore double clicks)
  alerts: [],            // alert texts waiting behind the one shown
};
const $ = (id) => document.getElementById(id);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const persona = () => S.byId.get(S.current);

// ---------------------------------------------------------------- network

async function api(path, body) {
  const init = body === undefined ? { cache: "no-store" }
    : { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) };
  const res = await fetch(path, init);
  let data = null;
  try {
    data = await res.json();
  } catch (e) {
    data = null; // error pages need not be JSON
  }
  if (!res.ok || (data && data.ok === false)) {
    throw new Error((data && data.error) || res.status + " " + res.statusText);
  }
  return data;
}

function applyState(st) {
  S.personas = st.personas || [];
  S.byId = new Map(S.personas.map((p) => [p.chat_id, p]));
  R.setTimeZone(st.tz);
  R.setStrings(st.strings);
  renderHeader();
  setClock(st.now, st.now_text);
  setQueued(st.queued);
}

// Menus/titles changed (or the server restarted): refetch and redraw, keeping seq, unread and the open chat.
async function refreshState() {
  try {
    applyState(await api("/api/state"));
  } catch (e) {
    return; // the event loop will notice a dead server; nothing to redraw
  }
  renderList();
  if (S.byId.has(S.current)) {
    renderChatChrome(persona());
    if (!$("command-menu").hidden) openMenu(); // show the new commands right away
  } else if (S.personas.length) {
    openChat(S.personas[0].chat_id);
  }
}

// Long poll /api/events forever. Never throws: a network error waits 1 s and retries.
async function pollEvents() {
  let wasDown = false;
  for (;;) {
    if (wasDown) {
      // Back after an outage: a restarted server counts seq from scratch, so compare first.
      try {
        const st = await api("/api/state");
        wasDown = false;
        if (st.seq < S.seq) await resync(st.seq);
      } catch (e) {
        await sleep(1000);
        continue;
      }
    }
    const started = Date.now();
    let batch;
    try {
      batch = await api("/api/events?since=" + S.seq);
    } catch (e) {
      wasDown = true;
      await sleep(1000);
      continue;
    }
    if (typeof batch.seq === "number" && batch.seq < S.seq) {
      await resync(batch.seq); // seq went backwards: the demo server was restarted
      continue;
    }
    for (const ev of batch.events || []) {
      try {
        applyEvent(ev);
      } catch (e) {
        console.error("linli demo: could not apply event", ev, e);
      }
    }
    if (typeof batch.seq === "number") S.seq = batch.seq;
    document.body.dataset.seq = String(S.seq);
    // A server that answers instantly with nothing would make us spin: breathe a little.
    if (!(batch.events || []).length && Date.now() - started < 200) await sleep(500);
  }
}

async function resync(seq) {
  S.seq = seq;
  document.body.dataset.seq = String(seq);
  S.history.clear();
  S.unread.clear();
  await refreshState();
  if (S.current !== null) openChat(S.current);
}

// ---------------------------------------------------------------- events

function applyEvent(ev) {
  switch (ev.kind) {
    case "message":
      return applyMessage(ev.message, false);
    case "edit":
      return applyMessage(ev.message, true);
    case "toast":
      if (ev.chat_id === S.current) showToast(ev.text);
      return undefined;
    case "alert":
      if (ev.chat_id === S.current) showAlert(ev.text);
      return undefined;
    case "pin":
      return applyPin(ev.chat_id, ev.message);
    case "commands":
      return refreshState();
    case "clock":
      return setClock(ev.now, ev.now_text);
    case "queued":
      return setQueued(ev.queued);
    default:
      return undefined; // a newer server may send kinds this page does not know yet
  }
}

// Insert or replace m in a chat history; returns true if it was not there before.
function mergeInto(list, m, isEdit) {
  const i = list.findIndex((x) => x.message_id === m.message_id);
  if (i >= 0) {
    list[i] = m;
    return false;
  }
  if (isEdit) return false; // an edit of a message we never saw: history will have it
  list.push(m);
  list.sort((a, b) => a.message_id - b.message_id);
  return true;
}

function applyMessage(m, isEdit) {
  const p = S.byId.get(m.chat_id);
  if (!p) return refreshState(); // a chat we do not know yet
  const buffer = S.loading.get(m.chat_id);
  if (buffer) buffer.push([m, isEdit]);
  const list = S.history.get(m.chat_id);
  const isNew = list ? mergeInto(list, m, isEdit)
    : !isEdit && !(p.last && p.last.message_id >= m.message_id);
  const isLast = p.last && p.last.message_id === m.message_id;
  if (isEdit ? isLast : !p.last || m.message_id >= p.last.message_id) p.last = m;
  if (p.pinned && p.pinned.message_id === m.message_id) p.pinned = m;

  if (m.chat_id === S.current) {
    if (list) {
      if (isNew) appendMessageEl(m, p, true);
      else replaceMessageEl(m, p);
      renderReplyKeyboard(p);
    }
    renderPinned(p);
  } else if (isNew && m.from === "bot") {
    S.unread.set(m.chat_id, (S.unread.get(m.chat_id) || 0) + 1);
  }
  renderList();
  return undefined;
}

function applyPin(chatId, m) {
  const p = S.byId.get(chatId);
  if (!p) return;
  p.pinned = m;
  if (chatId === S.current) renderPinned(p);
}
