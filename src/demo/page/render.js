// Linli demo page — pure rendering helpers (no state, no network).
// Loaded before app.js as a classic script; everything lives in the `R` namespace.
"use strict";

const R = (() => {
  // UI chrome per persona language ("en" → English, anything else → Chinese): the words
  // come from the server (locales/, `demo.page.*`) with /api/state.
  let TEXT = { zh: {}, en: {} };
  const setStrings = (strings) => { if (strings) TEXT = strings; };
  const langOf = (persona) => (persona && persona.lang === "en" ? "en" : "zh");
  const t = (persona, key) => TEXT[langOf(persona)][key] || key;
  // Both languages, for the header every persona shares: "聊天 · Chats".
  const both = (key, sep) => (TEXT.zh[key] || key) + (sep || " · ") + (TEXT.en[key] || key);

  // ---- small DOM helper: el("div", {class: "x", dataset: {a: 1}}, child, "text") ----
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === undefined || v === null || v === false) continue;
      if (k === "class") node.className = v;
      else if (k === "dataset") Object.assign(node.dataset, v);
      else if (k === "text") node.textContent = v;
      else node.setAttribute(k, v === true ? "" : String(v));
    }
    for (const c of children) {
      if (c === null || c === undefined || c === false) continue;
      node.append(c instanceof Node ? c : String(c));
    }
    return node;
  }

  // ---- times: shown in the bot's time zone (state.tz), not the browser's ----
  let tz;
  const fmtCache = new Map();
  function setTimeZone(name) {
    try {
      new Intl.DateTimeFormat("en", { timeZone: name });
      tz = name;
    } catch (e) {
      tz = undefined; // unknown zone name: fall back to the browser's zone rather than break
    }
    fmtCache.clear();
  }
  function fmt(locale, opts) {
    const key = locale + JSON.stringify(opts);
    if (!fmtCache.has(key)) fmtCache.set(key, new Intl.DateTimeFormat(locale, { ...opts, timeZone: tz }));
    return fmtCache.get(key);
  }
  const timeOf = (ms) => fmt("en-GB", { hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).format(ms);
  const dayKey = (ms) => fmt("en-CA", { year: "numeric", month: "2-digit", day: "2-digit" }).format(ms);
  function dayLabel(ms, persona) {
    return langOf(persona) === "en"
      ? fmt("en-GB", { weekday: "long", day: "numeric", month: "long" }).format(ms)
      : fmt("zh-CN", { month: "long", day: "numeric", weekday: "short" }).format(ms);
  }
  // Chat list: time for today's messages (bot clock), a short date otherwise.
  function listTime(ms, nowMs, persona) {
    if (dayKey(ms) === dayKey(nowMs)) return timeOf(ms);
    return langOf(persona) === "en"
      ? fmt("en-GB", { day: "numeric", month: "short" }).format(ms)
      : fmt("zh-CN", { month: "numeric", day: "numeric" }).format(ms);
  }

  // ---- Telegram HTML → safe DOM. Parse inertly, rebuild only whitelisted tags. ----
  const SIMPLE_TAGS = new Set(["b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "code", "pre", "blockquote"]);
  function safeHref(href) {
    try {
      const u = new URL(href.trim()); // no base: a relative link is not Telegram HTML
      return ["http:", "https:", "tg:"].includes(u.protocol) ? u.href : null;
    } catch (e) {
      return null;
    }
  }
  const BLOCK_TAGS = new Set(["pre", "blockquote"]);
  function rebuild(node, out) {
    for (const child of node.childNodes) {
      if (child.nodeType === Node.TEXT_NODE) {
        // A block already ends its line: the "\n" a bot writes after </pre> would show as a blank line.
        const prev = child.previousSibling;
        const afterBlock = prev && prev.nodeType === Node.ELEMENT_NODE && BLOCK_TAGS.has(prev.localName);
        out.append(afterBlock ? child.data.replace(/^\n/, "") : child.data);
        continue;
      }
      if (child.nodeType !== Node.ELEMENT_NODE) continue; // comments etc. are dropped
      const tag = child.localName;
      let copy = null;
      if (SIMPLE_TAGS.has(tag)) copy = document.createElement(tag);
      else if (tag === "a") {
        const href = safeHref(child.getAttribute("href") || "");
        copy = href ? el("a", { href, target: "_blank", rel: "noopener noreferrer" }) : el("span");
      } else if (tag === "tg-spoiler" || (tag === "span" && child.classList.contains("tg-spoiler"))) {
        copy = el("span", { class: "tg-spoiler" });
      } else if (tag === "tg-emoji") {
        copy = el("span");
      }
      if (copy) {
        rebuild(child, copy);
        out.append(copy);
      } else {
        // Not Telegram HTML: show the tag itself as text (Telegram would have refused it).
        out.append("<" + tag + ">");
        if (child.hasChildNodes()) {
          rebuild(child, out);
          out.append("</" + tag + ">");
        }
      }
    }
  }
  function sanitizedFragment(html) {
    const doc = new DOMParser().parseFromString("<!doctype html><body>" + html, "text/html");
    const frag = document.createDocumentFragment();
    rebuild(doc.body, frag);
    return frag;
  }
  // Plain text of a message for previews (HTML tags stripped, never interpreted).
  function plainText(m) {
    if (!m.text) return "";
    return m.html ? sanitizedFragment(m.text).textContent : m.text;
  }

  // ---- avatars: Telegram's palette, picked by chat id so a chat keeps its colour ----
  const PALETTE = ["#e17076", "#f5a054", "#9b87e0", "#6fb85a", "#4fb3b5", "#5a9fd8", "#e0679c"];
  function avatar(persona, extraClass) {
    const color = PALETTE[Math.abs(Number(persona.chat_id)) % PALETTE.length];
    return el("div", { class: "avatar " + (extraClass || ""), style: "background:" + color, "aria-hidden": "true" },
      persona.avatar || (persona.title || "?").slice(0, 1));
  }

  function preview(m, persona) {
    if (!m) return "";
    let body = plainText(m).replace(/\s+/g, " ").trim();
    const tag = m.photo ? t(persona, "photo") : m.document ? (m.document.file_name || t(persona, "file"))
      : m.contact ? t(persona, "contact") : m.location ? t(persona, "location") : "";
    if (tag) body = "[" + tag + "] " + body;
    const who = persona.kind === "group" ? m.sender + ": " : "";
    return who + body;
  }

  function chatItem(persona, { unread, active, nowMs }) {
    const last = persona.last;
    return el("li", { class: "chat-item" + (active ? " active" : ""), dataset: { chat: persona.chat_id },
      role: "button", tabindex: "0" },
      avatar(persona),
      el("div", { class: "chat-item-body" },
        el("div", { class: "chat-item-line" },
          el("span", { class: "chat-item-title", text: persona.title }),
          el("span", { class: "chat-item-time", text: last ? listTime(last.date, nowMs, persona) : "" })),
        el("div", { class: "chat-item-role", text: persona.role }),
        el("div", { class: "chat-item-line" },
          el("span", { class: "chat-item-preview", text: preview(last, persona) }),
          unread > 0 ? el("span", { class: "badge", text: unread > 99 ? "99+" : unread }) : null)));
  }

  // ---- message bubbles ----
  const DOC_ICON = '<svg viewBox="0 0 24 24" width="26" height="26" aria-hidden="true"><path fill="currentColor" d="M12 16l-5-5h3V4h4v7h3l-5 5zm-7 2h14v2H5z"/></svg>';
  const PIN_ICON = '<svg viewBox="0 0 24 24" width="28" height="28" aria-hidden="true"><path fill="currentColor" d="M12 2a7 7 0 00-7 7c0 5.2 7 13 7 13s7-7.8 7-13a7 7 0 00-7-7zm0 9.5A2.5 2.5 0 1112 6.5a2.5 2.5 0 010 5z"/></svg>';
  function icon(svg, cls) {
    // Constant markup written here, never server text.
    const span = el("span", { class: cls });
    span.innerHTML = svg;
    return span;
  }

  function attachment(m, persona) {
    if (m.photo) {
      return el("a", { class: "photo-link", href: m.photo.url, target: "_blank", rel: "noopener" },
        el("img", { class: "photo", src: m.photo.url, alt: t(persona, "photo") }));
    }
    if (m.document) {
      const name = m.document.file_name || t(persona, "file"); // file_name is optional on the server side
      const ext = name.includes(".") ? name.split(".").pop().slice(0, 4).toUpperCase() : "";
      return el("a", { class: "doc", href: m.document.url, download: name },
        icon(DOC_ICON, "doc-icon"),
        el("span", { class: "doc-body" },
          el("span", { class: "doc-name", text: name }),
          el("span", { class: "doc-hint", text: (ext ? ext + " · " : "") + t(persona, "download") })));
    }
    if (m.contact) {
      return el("div", { class: "contact" },
        el("div", { class: "avatar small", style: "background:#5a9fd8", text: (m.contact.name || "?").slice(0, 1) }),
        el("div", {}, el("div", { class: "contact-name", text: m.contact.name }),
          el("div", { class: "contact-phone", text: m.contact.phone })));
    }
    if (m.location) {
      const { latitude: lat, longitude: lon } = m.location;
      return el("div", { class: "location" }, icon(PIN_ICON, "location-pin"),
        el("div", {}, el("div", { class: "location-title", text: t(persona, "location") }),
          el("div", { class: "location-coords", text: lat.toFixed(5) + ", " + lon.toFixed(5) })));
    }
    return null;
  }

  function inlineKeyboard(m) {
    if (!m.inline_keyboard || !m.inline_keyboard.length) return null;
    return el("div", { class: "ikb-grid" }, ...m.inline_keyboard.map((row) =>
      el("div", { class: "ikb-row" }, ...row.map((b) => {
        if (b.url) {
          const href = safeHref(b.url);
          if (!href) return el("button", { type: "button", class: "ikb ikb-url", disabled: true }, b.text);
          return el("a", { class: "ikb ikb-url", href, target: "_blank", rel: "noopener noreferrer" },
            b.text, el("span", { class: "ikb-arrow", "aria-hidden": "true", text: "↗" }));
        }
        return el("button", { type: "button", class: "ikb", dataset: { data: b.callback_data || "" } }, b.text);
      }))));
  }

  function message(m, persona) {
    const mine = m.from === "user";
    const bubble = el("div", { class: "bubble" + (m.photo && !m.text ? " media-only" : "") });
    if (persona.kind === "group") bubble.append(el("div", { class: "sender", text: m.sender }));
    const att = attachment(m, persona);
    if (att) bubble.append(att);
    const meta = el("span", { class: "meta" },
      m.edited ? el("span", { class: "edited", text: t(persona, "edited") }) : null,
      el("span", { class: "time", text: timeOf(m.date) }),
      mine ? el("span", { class: "ticks", "aria-hidden": "true", text: "✓✓" }) : null);
    if (m.text) {
      const text = el("div", { class: "text" });
      if (m.html) text.append(sanitizedFragment(m.text));
      else text.textContent = m.text;
      text.append(meta); // floats to the last line, like Telegram
      bubble.append(text);
    } else {
      bubble.append(meta);
    }
    return el("div", { class: "msg " + (mine ? "msg-user" : "msg-bot"), dataset: { message: m.message_id, day: dayKey(m.date) } },
      bubble, inlineKeyboard(m));
  }

  function daySeparator(ms, persona) {
    return el("div", { class: "day-sep" }, el("span", { text: dayLabel(ms, persona) }));
  }

  function replyKeyboard(kb) {
    return kb.rows.map((row) => el("div", { class: "rkb-row" }, ...row.map((b) => {
      const kind = b.request_contact ? "contact" : b.request_location ? "location" : "text";
      return el("button", { type: "button", class: "rkb", dataset: { kind, text: b.text } }, b.text);
    })));
  }

  // The reply keyboard in force: from the latest bot message that sets or removes one;
  // a one_time keyboard is gone once the user answered with one of its buttons.
  function replyKeyboardOf(list) {
    for (let i = list.length - 1; i >= 0; i--) {
      const m = list[i];
      if (m.from !== "bot" || !(m.reply_keyboard || m.remove_keyboard)) continue;
      const kb = m.reply_keyboard;
      if (!kb) return null;
      const used = (u) => kb.rows.flat().some((b) => (b.request_contact ? !!u.contact
        : b.request_location ? !!u.location : u.text === b.text));
      if (kb.one_time && list.slice(i + 1).some((u) => u.from === "user" && used(u))) return null;
      return kb;
    }
    return null;
  }

  function commandMenu(commands, persona, filter) {
    const list = commands.map((c) => ({ ...c, command: c.command.startsWith("/") ? c.command : "/" + c.command }))
      .filter((c) => !filter || c.command.startsWith(filter));
    if (!list.length) return [el("div", { class: "command-empty", text: t(persona, "no_commands") })];
    return list.map((c) => el("button", { type: "button", class: "command-item", dataset: { command: c.command } },
      el("span", { class: "command-name", text: c.command }),
      el("span", { class: "command-desc", text: c.description })));
  }

  return { t, both, setStrings, el, setTimeZone, timeOf, dayKey, plainText, avatar, chatItem, message, daySeparator,
    replyKeyboard, replyKeyboardOf, commandMenu, preview };
})();
