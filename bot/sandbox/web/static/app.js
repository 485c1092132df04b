// The sandbox page's behaviour: it asks the sandbox server to do what the person does (the server
// does it as Slack would, through signed requests to Truce) and swaps in the fragments it answers.
// No framework, no build: the page is rendered on the server; this only wires events and popups.
"use strict";

const boot = JSON.parse(document.getElementById("boot").textContent);
const people = boot.people;
const where = { as: boot.me_name, c: boot.place, tab: boot.tab, t: boot.thread || "" };
const REGIONS = ["sidebar", "clock", "header", "timeline", "thread", "modal"];
const last = {};
let busy = false;
let composer = { channel: null, member: true, read_only: false, im: null };
let pollTimer = null;
// Each request for panes is numbered: an answer is shown only if no request was sent after it, so a slow
// refresh (the page's first, a poll) answered after a click never puts back what the click replaced.
let asked = 0;

const $ = (sel, root = document) => root.querySelector(sel);
const $$ = (sel, root = document) => Array.from(root.querySelectorAll(sel));

function query() {
  const q = new URLSearchParams({ as: where.as, c: where.c });
  if (where.c === "app") q.set("tab", where.tab);
  if (where.t) q.set("t", where.t);
  return q;
}

function syncUrl() { history.replaceState(null, "", "/?" + query().toString()); }

// --- swapping fragments ----------------------------------------------------------------------------
function formValues(form) {
  const values = {};
  if (!form) return values;
  for (const field of $$(".field[data-field]", form)) {
    const name = field.dataset.field;
    const boxes = $$("input[type=checkbox]", field);
    const radios = $$("input[type=radio]", field);
    if (boxes.length) values[name] = boxes.filter((b) => b.checked).map((b) => b.value);
    else if (radios.length) { const r = radios.find((x) => x.checked); values[name] = r ? r.value : null; }
    else { const input = $("input, select, textarea", field); values[name] = input && input.value !== "" ? input.value : null; }
  }
  return values;
}

function restoreValues(form, values) {
  for (const [name, value] of Object.entries(values)) {
    const field = form.querySelector(`.field[data-field="${CSS.escape(name)}"]`);
    if (!field) continue;
    const choices = $$("input[type=checkbox], input[type=radio]", field);
    if (choices.length) choices.forEach((c) => { c.checked = Array.isArray(value) ? value.includes(c.value) : c.value === value; });
    else { const input = $("input, select, textarea", field); if (input && value !== null) input.value = value; }
  }
}

function swap(panes) {
  const timeline = $("#timeline");
  const atBottom = !(where.c === "app" && where.tab !== "messages") &&
    timeline.scrollHeight - timeline.scrollTop - timeline.clientHeight < 80;
  for (const id of REGIONS) {
    const html = panes[id];
    if (html === undefined || last[id] === html) continue;
    const el = document.getElementById(id);
    if (id === "modal") {
      const old = $("form.modal", el);
      const kept = old ? { view: old.dataset.view, values: formValues(old) } : null;
      el.innerHTML = html;
      const now = $("form.modal", el);
      if (now && kept && kept.view === now.dataset.view && last.modal !== undefined) restoreValues(now, kept.values);
      if (now && !kept) { const first = $("input, textarea, select", now); if (first) first.focus(); }
    } else if (id === "thread") {  // a reply being typed survives new replies arriving
      const box = $("textarea", el);
      const typed = box ? { text: box.value, focused: document.activeElement === box, at: box.selectionStart } : null;
      const parent = $(".composer-thread", el);
      el.innerHTML = html;
      const again = $("textarea", el), sameThread = parent && $(".composer-thread", el) &&
        parent.dataset.thread === $(".composer-thread", el).dataset.thread;
      if (again && typed && sameThread) {
        again.value = typed.text;
        if (typed.focused) { again.focus(); again.setSelectionRange(typed.at, typed.at); }
      }
    } else {
      el.innerHTML = html;
    }
    last[id] = html;
  }
  $("#app").classList.toggle("with-thread", !!panes.thread);
  document.title = `${panes.title} — Truce sandbox`;
  composer = JSON.parse(panes.composer);
  const input = $("#composer-input");
  input.placeholder = composer.read_only ? "Type / for Truce's commands (messages to this app are turned off)"
    : composer.member ? `Message ${panes.title}` : `Join ${panes.title} to post in it`;
  $("#composer").hidden = composer.channel === null;
  const joinBar = $("#join-bar");
  if (joinBar) joinBar.remove();
  if (composer.channel && !composer.member) {
    $("#composer").insertAdjacentHTML("beforebegin",
      `<div class="join-bar" id="join-bar">You are viewing <b>${escapeHtml(panes.title)}</b>. <button type="button" class="btn btn-primary js-join">Join channel</button></div>`);
  }
  if (atBottom) timeline.scrollTop = timeline.scrollHeight;
  const threadScroll = $("#thread .thread-scroll");
  if (threadScroll) threadScroll.scrollTop = threadScroll.scrollHeight;
}

function escapeHtml(text) {
  return String(text).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]));
}

function toast(text, isError) {
  const el = $("#toast");
  el.textContent = text;
  el.classList.toggle("toast-error", !!isError);
  el.hidden = false;
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => { el.hidden = true; }, isError ? 6000 : 4000);
}

async function refresh() {
  const mine = ++asked;
  const response = await fetch("/ui/panes?" + query().toString(), { cache: "no-store" });
  if (response.ok) { const panes = await response.json(); if (mine === asked) swap(panes); }
}

async function act(op, data = {}) {
  busy = true;
  document.body.classList.add("working");
  const mine = ++asked;
  try {
    const response = await fetch("/ui/act", {
      method: "POST", headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ op, as: where.as, c: where.c, tab: where.tab, t: where.t, ...data }),
    });
    const answer = await response.json();
    if (answer.panes && mine === asked) swap(answer.panes);
    if (answer.error) toast(answer.error, true);
    else if (answer.note) toast(answer.note);
    return answer;
  } catch (err) {
    toast("The sandbox did not answer: is it still running?", true);
    return {};
  } finally {
    busy = false;
    document.body.classList.remove("working");
  }
}

function poll() {
  clearTimeout(pollTimer);
  pollTimer = setTimeout(async () => {
    if (!busy && document.visibilityState !== "hidden") { try { await refresh(); } catch (e) { /* next time */ } }
    poll();
  }, 1500);
}

// --- navigation ----------------------------------------------------------------------------------
function go(place, tab, msgTs, threadTs) {
  if (place === composer.im) { place = "app"; tab = "messages"; }
  where.c = place;
  where.t = threadTs || "";
  if (place === "app") where.tab = tab || "home";
  syncUrl();
  last.timeline = undefined;
  act("goto").then(() => {
    scrollHome();
    if (msgTs) flash(msgTs);
  });
}

function scrollHome() {  // a channel opens at its latest message, the Home tab at its top
  const timeline = $("#timeline");
  timeline.scrollTop = where.c === "app" && where.tab !== "messages" ? 0 : timeline.scrollHeight;
}

function flash(ts) {
  const el = document.getElementById("m-" + ts.replace(".", "-"));
  if (!el) return;
  el.scrollIntoView({ block: "center" });
  el.classList.add("flash");
  setTimeout(() => el.classList.remove("flash"), 2500);
}

// --- popups: menus, the emoji picker, confirmation ---------------------------------------------------
function closePopups() { $("#menu").hidden = true; $("#emoji-picker").hidden = true; $("#autocomplete").hidden = true; }

function place(popup, anchor) {
  popup.hidden = false;
  const r = anchor.getBoundingClientRect();
  const w = popup.offsetWidth, h = popup.offsetHeight;
  let left = Math.min(r.right - w, window.innerWidth - w - 8);
  left = Math.max(8, left);
  let top = r.bottom + 4;
  if (top + h > window.innerHeight - 8) top = Math.max(8, r.top - h - 4);
  popup.style.left = `${left}px`;
  popup.style.top = `${top}px`;
}

function menu(anchor, items, onPick) {
  const el = $("#menu");
  el.innerHTML = "";
  items.forEach((item, i) => {
    const b = document.createElement("button");
    b.type = "button"; b.className = "menu-item"; b.setAttribute("role", "menuitem");
    b.textContent = item.label;
    if (item.hint) { const s = document.createElement("small"); s.textContent = item.hint; b.appendChild(s); }
    b.addEventListener("click", (e) => { e.stopPropagation(); closePopups(); onPick(items[i]); });
    el.appendChild(b);
  });
  place(el, anchor);
}

function confirmThen(el, proceed) {
  if (!el.dataset.confirm) { proceed(); return; }
  const c = JSON.parse(el.dataset.confirm);
  const text = (o, fallback) => (o && o.text) || fallback;
  $("#confirm-title").textContent = text(c.title, "Are you sure?");
  $(".confirm-text").textContent = text(c.text, "").replace(/\*([^*]+)\*/g, "$1");
  $("#confirm-ok").textContent = text(c.confirm, "Yes");
  $("#confirm-deny").textContent = text(c.deny, "Cancel");
  $("#confirm-ok").className = "btn " + (c.style === "danger" ? "btn-danger" : "btn-primary");
  const box = $("#confirm");
  box.hidden = false;
  const done = (ok) => { box.hidden = true; $("#confirm-ok").onclick = null; $("#confirm-deny").onclick = null; if (ok) proceed(); };
  $("#confirm-ok").onclick = () => done(true);
  $("#confirm-deny").onclick = () => done(false);
}

function elementData(el, extra = {}) {
  const d = el.dataset;
  const data = { surface: d.surface, channel: d.channel, ts: d.ts, view: d.view, block: d.block, action: d.action, type: d.type, ...extra };
  if (d.surface === "view") data.values = formValues(el.closest("form.modal"));
  return data;
}

// --- clicks ----------------------------------------------------------------------------------------
document.addEventListener("click", (e) => {
  const t = e.target;
  if (!t.closest("#menu, #emoji-picker, #autocomplete")) closePopups();
  const goto = t.closest("[data-goto]");
  if (goto) { e.preventDefault(); go(goto.dataset.goto, null, goto.dataset.msg, goto.dataset.thread); return; }
  const tab = t.closest(".tab[data-tab]");
  if (tab) { go("app", tab.dataset.tab); return; }
  const button = t.closest(".js-act");
  if (button) {
    if (button.tagName !== "A") e.preventDefault();
    confirmThen(button, () => act("act", elementData(button, { value: button.dataset.value })));
    return;
  }
  const overflow = t.closest(".js-overflow");
  if (overflow) {
    e.stopPropagation();
    const values = JSON.parse(overflow.dataset.options), labels = JSON.parse(overflow.dataset.labels);
    const tmp = document.createElement("span");
    menu(overflow, values.map((v, i) => { tmp.innerHTML = labels[i]; return { label: tmp.textContent, value: v }; }),
      (item) => confirmThen(overflow, () => act("act", elementData(overflow, { selected: item.value }))));
    return;
  }
  const msg = t.closest(".msg");
  if (t.closest(".js-react-picker") && msg) {
    e.stopPropagation();
    const picker = $("#emoji-picker");
    picker.dataset.ts = msg.dataset.ts; picker.dataset.channel = msg.dataset.channel;
    place(picker, t.closest(".js-react-picker"));
    return;
  }
  const pick = t.closest(".picker-emoji");
  if (pick) {
    const picker = $("#emoji-picker");
    closePopups();
    act("react", { ts: picker.dataset.ts, channel: picker.dataset.channel, name: pick.dataset.name });
    return;
  }
  const reaction = t.closest(".js-reaction");
  if (reaction && msg) { act("react", { ts: msg.dataset.ts, channel: msg.dataset.channel, name: reaction.dataset.name }); return; }
  if (t.closest(".js-more") && msg) {
    e.stopPropagation();
    menu(t.closest(".js-more"), boot.shortcuts.map((s) => ({ label: s.name, hint: s.description, id: s.callback_id })),
      (item) => act("shortcut", { ts: msg.dataset.ts, channel: msg.dataset.channel, callback_id: item.id }));
    return;
  }
  const open = t.closest(".js-open-thread");
  if (open) { where.t = open.dataset.ts; syncUrl(); last.thread = undefined; refresh(); return; }
  if (t.closest(".js-close-thread")) { where.t = ""; syncUrl(); refresh(); return; }
  const dismiss = t.closest(".js-dismiss");
  if (dismiss) { act("dismiss", { ts: dismiss.dataset.ts }); return; }
  if (t.closest(".js-join")) { act("join"); return; }
  const form = t.closest("form.modal");
  if (t.closest(".js-modal-close") && form) { act("close", { view: form.dataset.view }); return; }
  if (t.closest(".js-modal-back") && form) { act("close", { view: form.dataset.view }); return; }
  if (t.closest(".js-modal-x") && form) { act("close", { view: form.dataset.view, clear: true }); return; }
  if (t.closest(".js-clock-next")) { act("clock_next"); return; }
  const by = t.closest(".js-clock-by");
  if (by) { act("clock_by", { by: by.dataset.by }); return; }
});

document.addEventListener("change", (e) => {
  const t = e.target;
  if (t.id === "you-are") {
    where.as = t.value; where.t = "";
    syncUrl();
    for (const id of REGIONS) last[id] = undefined;
    const p = people.find((x) => x.name === t.value);
    const avatar = $("#me-avatar");
    avatar.textContent = p.initials; avatar.style.background = p.color;
    act("goto");
    return;
  }
  const select = t.closest(".js-select");
  if (select && select.value) { act("act", elementData(select, { selected: select.value })); return; }
  const choice = t.closest(".js-choice");
  if (choice && choice.dataset.surface !== "view") {
    const group = $$(`input[name="${CSS.escape(choice.name)}"]`).filter((x) => x.checked).map((x) => x.value);
    act("act", elementData(choice, { selected: choice.type === "radio" ? choice.value : group }));
  }
});

// --- modals: Slack checks required fields itself before anything is sent ------------------------------
document.addEventListener("submit", (e) => {
  const form = e.target;
  if (form.matches("form.modal")) {
    e.preventDefault();
    const values = formValues(form);
    let ok = true;
    for (const field of $$(".field[data-field]", form)) {
      const value = values[field.dataset.field];
      const empty = value === null || (Array.isArray(value) && value.length === 0);
      let problem = "";
      if (field.dataset.optional !== "true" && empty) problem = "Please complete this required field.";
      else if (field.dataset.min && value && value.length < Number(field.dataset.min)) problem = `Please enter at least ${field.dataset.min} characters.`;
      if (problem) { ok = false; field.classList.add("has-error"); $(".field-error", field).textContent = problem; }
    }
    if (ok) act("submit", { view: form.dataset.view, values });
    return;
  }
  if (form.matches(".js-composer")) { e.preventDefault(); send(form); }
});

// --- the composer: slash-command and @mention autocomplete ---------------------------------------------
function send(form) {
  const input = $(".composer-input", form);
  const text = input.value.trim();
  if (!text) return;
  input.value = ""; autosize(input);
  closePopups();
  act("send", { text, thread: form.dataset.thread || "" }).then(() => {
    const timeline = $("#timeline"); timeline.scrollTop = timeline.scrollHeight;
  });
}

function autosize(input) { input.style.height = "auto"; input.style.height = Math.min(input.scrollHeight, 180) + "px"; }

let suggestions = [], chosen = 0, activeInput = null;

function suggest(input) {
  const before = input.value.slice(0, input.selectionStart);
  const box = $("#autocomplete");
  suggestions = [];
  let m;
  if (/^\/[\w-]*$/.test(before)) {
    suggestions = boot.commands.filter((c) => c.command.startsWith(before.toLowerCase()))
      .map((c) => ({ label: c.command, hint: c.description, detail: c.usage_hint, insert: c.command + " ", from: 0 }));
  } else if ((m = before.match(/(^|\s)@([\w.-]*)$/))) {
    const typed = m[2].toLowerCase();
    suggestions = people.filter((p) => p.name.startsWith(typed) || p.real_name.toLowerCase().startsWith(typed))
      .map((p) => ({ label: p.real_name, hint: "@" + p.name, person: p, insert: "@" + p.name + " ", from: before.length - typed.length - 1 }));
  }
  if (!suggestions.length) { box.hidden = true; return; }
  chosen = 0; activeInput = input;
  drawSuggestions();
  const form = input.closest("form");
  box.style.left = ""; box.style.top = "";
  if (box.parentElement !== form) form.appendChild(box);
  box.hidden = false;
}

function drawSuggestions() {
  const box = $("#autocomplete");
  box.innerHTML = "";
  const head = document.createElement("div");
  head.className = "ac-head";
  head.textContent = suggestions[0].person ? "People" : "Commands from Truce";
  box.appendChild(head);
  suggestions.forEach((s, i) => {
    const row = document.createElement("button");
    row.type = "button"; row.className = "ac-row" + (i === chosen ? " chosen" : ""); row.setAttribute("role", "option");
    if (s.person) {
      const av = document.createElement("span");
      av.className = "avatar avatar-xs"; av.style.background = s.person.color; av.textContent = s.person.initials;
      row.appendChild(av);
    }
    const label = document.createElement("b"); label.textContent = s.label; row.appendChild(label);
    if (s.detail) { const d = document.createElement("span"); d.className = "ac-detail"; d.textContent = s.detail; row.appendChild(d); }
    const hint = document.createElement("span"); hint.className = "ac-hint"; hint.textContent = s.hint; row.appendChild(hint);
    row.addEventListener("mousedown", (e) => { e.preventDefault(); choose(i); });
    box.appendChild(row);
  });
}

function choose(i) {
  const s = suggestions[i], input = activeInput;
  const before = input.value.slice(0, input.selectionStart), after = input.value.slice(input.selectionStart);
  const head = before.slice(0, s.from) + s.insert;
  input.value = head + after.replace(/^\S*\s?/, "");
  input.setSelectionRange(head.length, head.length);
  input.focus();
  $("#autocomplete").hidden = true;
  suggestions = [];
}

document.addEventListener("input", (e) => {
  if (e.target.matches(".composer-input")) { autosize(e.target); suggest(e.target); }
  const field = e.target.closest(".field.has-error");
  if (field && !field.dataset.kept) { /* an app's error stays until the next submission, as in Slack */ }
});

document.addEventListener("keydown", (e) => {
  if (e.key === "Escape") { closePopups(); if (!$("#confirm").hidden) $("#confirm-deny").click(); return; }
  if (!e.target.matches(".composer-input")) return;
  const open = !$("#autocomplete").hidden && suggestions.length;
  if (open && (e.key === "ArrowDown" || e.key === "ArrowUp")) {
    e.preventDefault();
    chosen = (chosen + (e.key === "ArrowDown" ? 1 : suggestions.length - 1)) % suggestions.length;
    drawSuggestions();
  } else if (open && (e.key === "Enter" || e.key === "Tab")) {
    e.preventDefault(); choose(chosen);
  } else if (e.key === "Enter" && !e.shiftKey) {
    e.preventDefault(); send(e.target.closest("form"));
  }
});

// --- start -----------------------------------------------------------------------------------------
(function start() {
  for (const id of REGIONS) last[id] = undefined;
  refresh().then(scrollHome);
  syncUrl();
  poll();
})();
