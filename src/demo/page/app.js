// Linli demo page — the chat UI: header, chat list, the open chat, sending, menus, alerts,
// wiring. Uses the state, API and events of live.js and the rendering of render.js.
"use strict";

// ---------------------------------------------------------------- header: clock and queue

// The header is everyone's: its words in both languages.
function renderHeader() {
  $("brand").textContent = R.both("title");
  $("clock-label").textContent = R.both("bot_time");
  for (const [id, key] of [["clock-hour", "clock_hour"], ["clock-evening", "clock_evening"], ["clock-morning", "clock_morning"]]) {
    $(id).textContent = R.both(key, " / ");
  }
  $("list-title").textContent = R.both("chats");
  $("chat-list").setAttribute("aria-label", R.both("chats", " / "));
}

function setClock(now, nowText) {
  if (typeof now === "number") S.now = now;
  $("clock-now").textContent = nowText || "";
}

function setQueued(n) {
  const q = $("queued");
  q.hidden = !(n > 0);
  q.textContent = R.both("queued", " / ").replace(/%\{count\}/g, n);
}

async function moveClock(btn) {
  if (btn.classList.contains("pending")) return;
  btn.classList.add("pending");
  try {
    const r = await api("/api/clock", { to: btn.dataset.to });
    setClock(r.now, r.now_text);
  } catch (e) {
    showToast(R.t(persona(), "failed") + e.message);
  } finally {
    btn.classList.remove("pending");
  }
}

// ---------------------------------------------------------------- chat list

function renderList() {
  const ul = $("chat-list");
  ul.replaceChildren(...S.personas.map((p) => R.chatItem(p, {
    unread: S.unread.get(p.chat_id) || 0, active: p.chat_id === S.current, nowMs: S.now,
  })));
  let total = 0;
  for (const n of S.unread.values()) total += n;
  document.title = (total ? "(" + total + ") " : "") + R.both("title");
}

function chatFromHash() {
  const m = /^#chat=(-?\d+)$/.exec(location.hash);
  return m ? Number(m[1]) : null;
}

// ---------------------------------------------------------------- the open chat

function openChat(chatId, { show } = {}) {
  const p = S.byId.get(chatId);
  if (!p) return Promise.resolve();
  S.current = chatId;
  S.unread.delete(chatId);
  // replaceState: reload returns here without piling up history entries.
  if (chatFromHash() !== chatId) history.replaceState(null, "", "#chat=" + chatId);
  if (show) $("app").classList.add("show-chat");
  closeMenu();
  closeLocationChooser();
  hideToast();
  renderChatChrome(p);
  renderList();
  if (S.history.has(chatId)) return Promise.resolve(renderMessages(p));
  return loadHistory(p);
}

async function loadHistory(p) {
  const id = p.chat_id;
  $("messages").replaceChildren(); // not the previous chat's messages while this one loads
  if (S.loading.has(id)) return;
  S.loading.set(id, []);
  try {
    const list = await api("/api/chats/" + id + "/messages");
    // Events that raced with the fetch are merged again: merge is idempotent.
    for (const [m, isEdit] of S.loading.get(id)) mergeInto(list, m, isEdit);
    S.history.set(id, list);
  } catch (e) {
    S.loading.delete(id);
    await sleep(1000);
    if (S.current === id) loadHistory(p);
    return;
  }
  S.loading.delete(id);
  if (S.current === id) renderMessages(S.byId.get(id) || p);
}

// Header, pinned bar, composer: everything but the messages.
function renderChatChrome(p) {
  $("chat-avatar").replaceWith(Object.assign(R.avatar(p), { id: "chat-avatar" }));
  $("chat-title").textContent = p.title;
  $("chat-role").textContent = p.kind === "group" && p.members
    ? p.role + " · " + p.members.map((x) => x.name).join("、") : p.role;
  $("back-button").setAttribute("aria-label", R.t(p, "back"));
  renderPinned(p);
  renderComposer(p);
}

function renderPinned(p) {
  const bar = $("pinned");
  bar.hidden = !p.pinned;
  if (!p.pinned) return;
  $("pinned-label").textContent = R.t(p, "pinned");
  $("pinned-text").textContent = R.preview(p.pinned, { ...p, kind: "private" }) || "…";
}

function renderComposer(p) {
  const input = $("composer-input");
  input.placeholder = R.t(p, "placeholder");
  input.setAttribute("aria-label", R.t(p, "placeholder"));
  input.lang = p.lang;
  $("composer-send").setAttribute("aria-label", R.t(p, "send"));
  $("commands-label").textContent = R.t(p, "menu");
  const row = $("send-as-row");
  row.hidden = !(p.kind === "group" && p.members && p.members.length);
  if (!row.hidden) {
    $("send-as-label").textContent = R.t(p, "send_as");
    const chosen = sendAsOf(p);
    $("send-as").replaceChildren(...p.members.map((mb) =>
      R.el("option", { value: mb.user_id, selected: mb.user_id === chosen }, mb.name)));
  }
  renderReplyKeyboard(p);
}

function sendAsOf(p) {
  if (p.kind !== "group" || !p.members || !p.members.length) return undefined;
  const chosen = S.sendAs.get(p.chat_id);
  return p.members.some((mb) => mb.user_id === chosen) ? chosen : p.members[0].user_id;
}

function renderMessages(p) {
  const box = $("messages");
  const list = S.history.get(p.chat_id) || [];
  box.replaceChildren();
  if (!list.length) box.append(R.el("div", { class: "empty", text: R.t(p, "empty") }));
  for (const m of list) appendMessageEl(m, p, false);
  renderReplyKeyboard(p);
  scrollToBottom();
}

function appendMessageEl(m, p, scroll) {
  const box = $("messages");
  box.querySelector(".empty")?.remove();
  const msgs = box.getElementsByClassName("msg");
  const prev = msgs[msgs.length - 1];
  if (!prev || prev.dataset.day !== R.dayKey(m.date)) box.append(R.daySeparator(m.date, p));
  box.append(R.message(m, p));
  if (scroll) scrollToBottom();
}

function replaceMessageEl(m, p) {
  const old = $("messages").querySelector('.msg[data-message="' + m.message_id + '"]');
  if (old) old.replaceWith(R.message(m, p));
}

function scrollToBottom() {
  const box = $("messages");
  box.scrollTop = box.scrollHeight;
}

function renderReplyKeyboard(p) {
  const box = $("reply-keyboard");
  const list = S.history.get(p.chat_id);
  const kb = list ? R.replyKeyboardOf(list) : null;
  box.hidden = !kb;
  box.replaceChildren(...(kb ? R.replyKeyboard(kb) : []));
}

// ---------------------------------------------------------------- sending

function postTo(path, body) {
  return api("/api/chats/" + S.current + "/" + path, body);
}

// Show the server's answer at once (the same message also arrives as an event; merge dedupes).
async function sendAndShow(path, body) {
  const p = persona();
  try {
    const r = await postTo(path, body);
    if (r && r.message) applyMessage(r.message, false);
    return true;
  } catch (e) {
    showToast(R.t(p, "failed") + e.message);
    return false;
  }
}

function sendText(text) {
  const p = persona();
  text = text.trim();
  if (!p || !text) return Promise.resolve(true);
  const body = { text };
  if (p.kind === "group") body.from = sendAsOf(p);
  return sendAndShow("send", body);
}

async function submitComposer(ev) {
  ev.preventDefault();
  const input = $("composer-input");
  const text = input.value;
  if (!text.trim()) return;
  input.value = "";
  closeMenu();
  if (!(await sendText(text)) && !input.value) input.value = text; // keep what failed to send
}

// A t.me link to the bot (e.g. "open the private chat" under a group message) stays in the
// demo, as Telegram's app would handle it: the person who tapped it opens their chat with
// the bot and presses Start, which sends "/start <payload>". Other links leave the page.
function openBotLink(href) {
  const m = /^https:\/\/t\.me\/[A-Za-z0-9_]+\/?(?:\?start=([A-Za-z0-9_-]*))?$/.exec(href);
  const p = persona();
  if (!m || !p) return false;
  const who = p.kind === "group" ? sendAsOf(p) : p.chat_id;
  if (!S.byId.has(who)) return false;
  openChat(who, { show: true });
  sendText(m[1] ? "/start " + m[1] : "/start");
  return true;
}

async function pressInline(btn) {
  const msgEl = btn.closest(".msg");
  const p = persona();
  if (!msgEl || !p) return;
  const body = { message_id: Number(msgEl.dataset.message), data: btn.dataset.data };
  if (p.kind === "group") body.from = sendAsOf(p);
  const key = S.current + "|" + body.message_id + "|" + body.data;
  if (S.pending.has(key)) return; // double click while the first press is in flight
  S.pending.add(key);
  btn.classList.add("pending");
  const started = Date.now();
  try {
    await postTo("press", body);
  } catch (e) {
    showToast(R.t(p, "failed") + e.message);
  }
  // Keep the dimming visible a moment even when the server is instant.
  await sleep(Math.max(0, 300 - (Date.now() - started)));
  S.pending.delete(key);
  btn.classList.remove("pending"); // harmless if an edit already replaced the button
}

function pressReplyButton(btn) {
  const kind = btn.dataset.kind;
  if (kind === "contact") sendAndShow("contact", {});
  else if (kind === "location") openLocationChooser();
  else sendText(btn.dataset.text);
}

// ---------------------------------------------------------------- "/" command menu

function openMenu(filter) {
  const p = persona();
  if (!p) return;
  const menu = $("command-menu");
  menu.replaceChildren(...R.commandMenu(p.commands || [], p, filter));
  menu.hidden = false;
  $("commands-button").setAttribute("aria-expanded", "true");
}

function closeMenu() {
  $("command-menu").hidden = true;
  $("commands-button").setAttribute("aria-expanded", "false");
}

// Typing "/xyz" filters the menu like Telegram; anything else closes it.
function onComposerInput() {
  const v = $("composer-input").value;
  if (/^\/\S*$/.test(v)) openMenu(v);
  else closeMenu();
}

// ---------------------------------------------------------------- location chooser, toast, alert

function openLocationChooser() {
  const p = persona();
  $("location-title").textContent = R.t(p, "choose_location");
  $("location-near").textContent = R.t(p, "near");
  $("location-far").textContent = R.t(p, "far");
  $("location-cancel").textContent = R.t(p, "cancel");
  $("location-chooser").hidden = false;
  $("location-near").focus();
}

function closeLocationChooser() {
  $("location-chooser").hidden = true;
}

function sendLocation(near) {
  closeLocationChooser();
  sendAndShow("location", { near });
}

let toastTimer = null;
function showToast(text) {
  const toast = $("toast");
  toast.textContent = text;
  toast.hidden = false;
  toast.classList.remove("show");
  void toast.offsetWidth; // restart the fade-in animation for back-to-back toasts
  toast.classList.add("show");
  clearTimeout(toastTimer);
  toastTimer = setTimeout(hideToast, 2500);
}

function hideToast() {
  clearTimeout(toastTimer);
  $("toast").hidden = true;
}

function showAlert(text) {
  if (!$("alert").hidden) {
    S.alerts.push(text); // one modal at a time, the next after OK
    return;
  }
  $("alert-text").textContent = text;
  $("alert-ok").textContent = R.t(persona(), "ok");
  $("alert").hidden = false;
  $("alert-ok").focus();
}

function closeAlert() {
  $("alert").hidden = true;
  if (S.alerts.length) showAlert(S.alerts.shift());
  else $("composer-input").focus({ preventScroll: true });
}

// ---------------------------------------------------------------- wiring

function bindUi() {
  $("chat-list").addEventListener("click", (e) => {
    const item = e.target.closest("[data-chat]");
    if (item) openChat(Number(item.dataset.chat), { show: true });
  });
  $("chat-list").addEventListener("keydown", (e) => {
    const item = e.target.closest("[data-chat]");
    if (item && (e.key === "Enter" || e.key === " ")) {
      e.preventDefault();
      openChat(Number(item.dataset.chat), { show: true });
    }
  });
  $("back-button").addEventListener("click", () => $("app").classList.remove("show-chat"));
  window.addEventListener("hashchange", () => {
    const id = chatFromHash();
    if (id !== null && id !== S.current) openChat(id, { show: true });
  });

  for (const btn of document.querySelectorAll(".clock-btn")) btn.addEventListener("click", () => moveClock(btn));

  $("messages").addEventListener("click", (e) => {
    const btn = e.target.closest("button.ikb");
    if (btn) return pressInline(btn);
    const link = e.target.closest("a.ikb-url");
    if (link && openBotLink(link.href)) e.preventDefault();
    const spoiler = e.target.closest(".tg-spoiler");
    if (spoiler) spoiler.classList.add("revealed");
    return undefined;
  });
  // A photo that finishes loading grows the list: stay pinned to the bottom.
  $("messages").addEventListener("load", (e) => {
    const box = $("messages");
    if (e.target.tagName === "IMG" && box.scrollHeight - box.scrollTop - box.clientHeight < e.target.offsetHeight + 150) {
      scrollToBottom();
    }
  }, true);
  $("pinned").addEventListener("click", scrollToPinned);
  $("pinned").addEventListener("keydown", (e) => { if (e.key === "Enter") scrollToPinned(); });

  $("reply-keyboard").addEventListener("click", (e) => {
    const btn = e.target.closest(".rkb");
    if (btn) pressReplyButton(btn);
  });
  $("location-near").addEventListener("click", () => sendLocation(true));
  $("location-far").addEventListener("click", () => sendLocation(false));
  $("location-cancel").addEventListener("click", closeLocationChooser);

  $("composer").addEventListener("submit", submitComposer);
  $("composer-input").addEventListener("input", onComposerInput);
  $("commands-button").addEventListener("click", () => ($("command-menu").hidden ? openMenu() : closeMenu()));
  $("command-menu").addEventListener("click", (e) => {
    const item = e.target.closest(".command-item");
    if (!item) return;
    closeMenu();
    $("composer-input").value = "";
    sendText(item.dataset.command);
  });
  $("send-as").addEventListener("change", (e) => S.sendAs.set(S.current, Number(e.target.value)));

  $("alert-ok").addEventListener("click", closeAlert);
  document.addEventListener("keydown", (e) => {
    if (e.key !== "Escape") return;
    if (!$("alert").hidden) closeAlert();
    closeLocationChooser();
    closeMenu();
  });
  document.addEventListener("click", (e) => {
    if (!e.target.closest("#command-menu, #commands-button, #composer-input")) closeMenu();
  });
}

function scrollToPinned() {
  const p = persona();
  if (!p || !p.pinned) return;
  const target = $("messages").querySelector('.msg[data-message="' + p.pinned.message_id + '"]');
  if (!target) return;
  target.scrollIntoView({ block: "center", behavior: "smooth" });
  target.classList.remove("flash");
  void target.offsetWidth;
  target.classList.add("flash");
}

async function start() {
  bindUi();
  for (;;) {
    try {
      const st = await api("/api/state");
      applyState(st);
      S.seq = st.seq || 0;
      break;
    } catch (e) {
      await sleep(1000); // server not up yet: keep trying quietly
    }
  }
  const fromHash = chatFromHash();
  const first = S.byId.has(fromHash) ? fromHash : S.personas.length ? S.personas[0].chat_id : null;
  renderList();
  // Tests wait on data-seq: set it once the first chat's history is on screen.
  if (first !== null) await openChat(first, { show: S.byId.has(fromHash) });
  document.body.dataset.seq = String(S.seq);
  pollEvents();
}

start();
