/* livespot panel: transport (SSE, falling back to polling), alert toasts, beep, local ack.
 * The panel is read-only: the only requests it makes are GETs. Ack lives in localStorage
 * and never reaches the server (000: "Alert ACK is UI-only"). */
"use strict";

(function () {
  const LS = window.LS;
  const el = LS.el;
  const interval = Number(document.body.dataset.intervalMs) || 1000;
  const POLL_MS = Math.max(1000, interval);
  const ACK_KEY = "livespot.ack.v1";
  const BEEP_KEY = "livespot.beep";
  const state = { last: null, lastAt: 0, polling: null, es: null, seen: new Map(), first: true };
  LS.state = state;

  // ---- acknowledgements (local only) -------------------------------------------------
  const acks = (() => { try { return JSON.parse(localStorage.getItem(ACK_KEY) || "{}"); } catch (e) { return {}; } })();
  const key = (a) => a.reason_code + "|" + a.severity;
  const isAcked = (a) => (acks[key(a)] || 0) >= a.last_ts_ms;
  function ack(a) {
    acks[key(a)] = a.last_ts_ms;
    try { localStorage.setItem(ACK_KEY, JSON.stringify(acks)); } catch (e) { /* private mode: session-only ack */ }
    if (state.last) LS.renderAlerts(state.last);
  }

  // ---- beep (optional, WebAudio: no sound file, no network) -------------------------------
  const beepBox = document.getElementById("beep");
  beepBox.checked = localStorage.getItem(BEEP_KEY) === "1";
  beepBox.addEventListener("change", () => localStorage.setItem(BEEP_KEY, beepBox.checked ? "1" : "0"));
  let audio = null;
  function beep(severity) {
    if (!beepBox.checked || severity === "INFO") return;
    try {
      audio = audio || new (window.AudioContext || window.webkitAudioContext)();
      const osc = audio.createOscillator(); const gain = audio.createGain();
      osc.frequency.value = severity === "CRIT" ? 990 : 660; gain.gain.value = 0.08;
      osc.connect(gain).connect(audio.destination); osc.start(); osc.stop(audio.currentTime + 0.18);
    } catch (e) { /* no audio device: the toast is enough */ }
  }

  // ---- toasts ---------------------------------------------------------------------------
  function toast(a) {
    const cls = a.severity === "CRIT" ? "text-bg-danger" : a.severity === "WARN" ? "text-bg-warning" : "text-bg-info";
    const btn = el("button", { type: "button", class: "btn btn-sm btn-light ms-2 ack", text: "ack" });
    const node = el("div", { class: "toast alert-toast " + cls, role: "alert", "aria-live": "assertive",
      "data-reason": a.reason_code, "data-severity": a.severity }, [
      el("div", { class: "toast-body d-flex align-items-start" }, [
        el("div", {}, [el("strong", { text: a.severity + " " + a.reason_code }),
          el("div", { class: "small", text: a.stage + " · " + LS.fmt.time(a.last_ts_ms) + " · ×" + a.count +
            (a.order_intent_id ? " · intent " + LS.fmt.short(a.order_intent_id) : "") })]),
        btn]),
    ]);
    document.getElementById("toasts").append(node);
    const t = new bootstrap.Toast(node, { autohide: a.severity === "INFO", delay: 8000 });
    btn.addEventListener("click", () => { ack(a); t.hide(); });
    node.addEventListener("hidden.bs.toast", () => node.remove());
    t.show();
    beep(a.severity);
  }

  // Raise a toast for every alert group whose last_ts_ms moved, from a snapshot or an alert event.
  function noticeAlert(a, quiet) {
    const k = key(a);
    if ((state.seen.get(k) || 0) >= a.last_ts_ms) return;
    state.seen.set(k, a.last_ts_ms);
    if (!quiet && !isAcked(a)) toast(a);
  }

  LS.renderAlerts = function (s) {
    const list = document.getElementById("alerts");
    const rows = s.alerts_active;
    list.replaceChildren(...(rows.length ? rows.map((a) => {
      const acked = isAcked(a);
      const btn = el("button", { type: "button", class: "btn btn-sm btn-outline-secondary py-0", text: acked ? "acked" : "ack" });
      if (acked) btn.disabled = true; else btn.addEventListener("click", () => ack(a));
      return el("li", { class: "list-group-item d-flex align-items-center gap-2 py-1" + (acked ? " acked" : "") }, [
        LS.badge(a.severity), el("span", { class: "fw-semibold small", text: a.reason_code }),
        el("span", { class: "small text-body-secondary", text: "×" + a.count + " · " + LS.fmt.ago(a.last_ts_ms, s.ts_ms) + " · " + a.stage }),
        el("span", { class: "ms-auto" }, btn)]);
    }) : [el("li", { class: "list-group-item text-body-secondary", text: "no alerts in the last 24 h" })]));
  };

  // ---- snapshots ------------------------------------------------------------------------
  function onSnapshot(s) {
    state.last = s; state.lastAt = Date.now();
    // Alerts present at page load are listed, not toasted: a reload must not replay old toasts.
    for (const a of s.alerts_active) noticeAlert(a, state.first);
    state.first = false;
    LS.renderSnapshot(s);
    document.body.dataset.snapshotTs = String(s.ts_ms);
  }

  function setTransport(name, cls) {
    const b = document.getElementById("transport");
    b.textContent = name; b.className = "badge " + cls;
  }

  async function pollOnce() {
    try {
      const r = await fetch("/api/dashboard", { cache: "no-store" });
      if (r.ok) { onSnapshot(await r.json()); setTransport("polling", "text-bg-warning"); }
      else setTransport("HTTP " + r.status, "text-bg-danger");
    } catch (e) { setTransport("offline", "text-bg-danger"); }
  }

  function startPolling() {
    if (state.polling) return;
    pollOnce();
    state.polling = setInterval(pollOnce, POLL_MS);
  }
  function stopPolling() { if (state.polling) { clearInterval(state.polling); state.polling = null; } }

  function startSSE() {
    if (!window.EventSource) { startPolling(); return; }
    const es = new EventSource("/api/stream");
    state.es = es;
    es.addEventListener("snapshot", (ev) => { stopPolling(); setTransport("live (SSE)", "text-bg-success"); onSnapshot(JSON.parse(ev.data)); });
    es.addEventListener("alert", (ev) => noticeAlert(JSON.parse(ev.data), false));
    es.addEventListener("ping", () => { state.lastAt = Math.max(state.lastAt, Date.now() - interval); });
    es.onerror = () => {
      // EventSource retries by itself; meanwhile keep the screen fresh by polling.
      setTransport("reconnecting", "text-bg-warning");
      startPolling();
      if (es.readyState === EventSource.CLOSED) setTimeout(startSSE, 5000);
    };
  }

  // A stream that stays silent for 3 intervals is treated as broken: poll until it speaks.
  setInterval(() => {
    if (state.lastAt && Date.now() - state.lastAt > 3 * interval + 2000) startPolling();
    const u = document.getElementById("updated");
    if (state.last) u.textContent = "updated " + LS.fmt.ago(state.lastAt, Date.now());
  }, 1000);

  // ---- orders (not part of the snapshot: its own GET, every 5 s) ------------------------
  async function loadOrders() {
    try {
      const r = await fetch("/api/orders?limit=50", { cache: "no-store" });
      if (!r.ok) return;
      const body = await r.json();
      LS.fillTable("orders", body.orders, (o) => [LS.fmt.time(o.ts_ms), o.symbol, o.side, o.order_type, o.status,
        el("td", { class: "num", text: o.price || "MKT" }), el("td", { class: "num", text: o.executed_qty + " / " + o.orig_qty }),
        el("span", { class: "font-monospace small", text: LS.fmt.short(o.client_order_id) })], "no orders yet");
    } catch (e) { /* the transport badge already tells the operator */ }
  }

  startSSE();
  loadOrders();
  setInterval(loadOrders, 5000);
})();
