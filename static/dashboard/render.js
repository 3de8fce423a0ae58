/* livespot panel: render one DashboardSnapshot into the page.
 * Every value goes in through textContent (never innerHTML), so nothing from the
 * database can inject markup. Integer encodings follow 000: *_x10000 = value * 10000,
 * pct_x10000 = percent * 10000, *_bps = basis points. */
"use strict";

const LS = (window.LS = window.LS || {});

LS.el = function (tag, attrs, children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === "class") node.className = v;
    else if (k === "text") node.textContent = v;
    else node.setAttribute(k, v);
  }
  for (const c of [].concat(children || [])) {
    if (c !== null && c !== undefined) node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return node;
};
const el = LS.el;

const fmt = (LS.fmt = {
  time(ms) { return ms ? new Date(ms).toISOString().slice(11, 19) : "—"; },
  datetime(ms) { return ms ? new Date(ms).toISOString().replace("T", " ").slice(0, 19) + "Z" : "—"; },
  ago(ms, now) {
    if (!ms) return "never";
    const s = Math.max(0, Math.round((now - ms) / 1000));
    if (s < 120) return s + " s ago";
    if (s < 7200) return Math.round(s / 60) + " min ago";
    if (s < 172800) return Math.round(s / 3600) + " h ago";
    return Math.round(s / 86400) + " d ago";
  },
  bytes(n) {
    const u = ["B", "KiB", "MiB", "GiB", "TiB"]; let i = 0; let v = n;
    while (v >= 1024 && i < u.length - 1) { v /= 1024; i++; }
    return (i ? v.toFixed(1) : v) + " " + u[i];
  },
  x10000(n) { return (n / 10000).toFixed(2); },
  pct(n) { return (n / 10000).toFixed(1) + " %"; },
  short(id) { return id ? (id.length > 14 ? id.slice(0, 6) + "…" + id.slice(-6) : id) : "—"; },
});

const BADGE = {
  LIVE: "text-bg-danger", TESTNET: "text-bg-warning", PAPER: "text-bg-info",
  NORMAL: "text-bg-success", DEGRADE: "text-bg-warning", PAUSE: "text-bg-secondary", EXIT: "text-bg-danger",
  OK: "text-bg-success", HIGH: "text-bg-warning", FULL: "text-bg-danger", WARN: "text-bg-warning", BAD: "text-bg-danger",
  INFO: "text-bg-info", CRIT: "text-bg-danger", ALLOW: "text-bg-success", BLOCK: "text-bg-danger", MODIFY: "text-bg-warning",
  CREATED: "text-bg-secondary", SENT_UNKNOWN: "text-bg-warning", CONFIRMED: "text-bg-success",
  NOT_FOUND: "text-bg-dark", FAILED_TERMINAL: "text-bg-danger", TREND: "text-bg-primary", RANGE: "text-bg-secondary",
};
LS.badge = (value, extra) => el("span", { class: "badge " + (BADGE[value] || "text-bg-secondary") + (extra ? " " + extra : ""), text: value });
const badge = LS.badge;

function setBadge(id, value) {
  const node = document.getElementById(id);
  node.className = "badge fs-6 " + (BADGE[value] || "text-bg-secondary");
  node.textContent = value;
}

function fillTable(id, rows, toCells, empty) {
  const body = document.querySelector("#" + id + " tbody");
  const cols = document.querySelectorAll("#" + id + " thead th").length;
  body.replaceChildren(...(rows.length ? rows.map((r) => el("tr", {}, toCells(r).map((c) =>
    c instanceof Node && c.tagName === "TD" ? c : el("td", {}, c)))) :
    [el("tr", {}, el("td", { colspan: cols, class: "text-body-secondary", text: empty || "none" }))]));
}
LS.fillTable = fillTable;
const num = (v) => el("td", { class: "num", text: v });

function kv(pairs) {
  return el("dl", { class: "row mb-0 kv" }, pairs.flatMap(([k, v, cls]) => [
    el("dt", { class: "col-6 text-body-secondary fw-normal", text: k }),
    el("dd", { class: "col-6 mb-0 " + (cls || "") }, v),
  ]));
}

function gauge(label, pct, text, level) {
  const bar = el("div", { class: "progress-bar bg-" + level, style: "width:" + Math.min(100, Math.max(0, pct)) + "%" });
  return el("div", { class: "mb-1" }, [
    el("div", { class: "d-flex small" }, [el("span", { text: label }), el("span", { class: "ms-auto", text: text })]),
    el("div", { class: "progress", role: "progressbar", style: "height:6px" }, bar),
  ]);
}

function renderTop(s) {
  setBadge("mode", s.mode);
  setBadge("sys-mode", s.sys_mode);
  document.getElementById("sys-since").textContent = "since " + fmt.datetime(s.sys_mode_since_ts_ms);
  document.getElementById("stage").textContent = s.stage;
  document.getElementById("stage-since").textContent = fmt.ago(s.stage_since_ts_ms, s.ts_ms);
  document.getElementById("ids").textContent =
    "run " + fmt.short(s.run_id) + " · cycle " + fmt.short(s.cycle_id) + " · decision " + fmt.short(s.decision_id);
  document.getElementById("ids").title = [s.run_id, s.cycle_id, s.decision_id].join("\n");
  document.getElementById("reasons").replaceChildren(...s.active_reason_codes.map((r) =>
    el("span", { class: "badge text-bg-warning", text: r })));
}

function renderHealth(s) {
  const h = s.health;
  const age = s.ts_ms - h.last_cycle_ts_ms;
  const q = h.audit_writer_queue_pct_x10000 / 10000;
  document.getElementById("health").replaceChildren(
    gauge("writer queue (" + h.audit_writer_queue_len + ")", q, fmt.pct(h.audit_writer_queue_pct_x10000),
      h.audit_writer_pressure === "OK" ? "success" : h.audit_writer_pressure === "HIGH" ? "warning" : "danger"),
    kv([
      ["writer pressure", badge(h.audit_writer_pressure)],
      ["writer lag", h.audit_writer_lag_ms + " ms", h.audit_writer_lag_ms > 1000 ? "text-warning" : ""],
      ["events / drops per min", h.events_per_min + " / " + h.drops_per_min, h.drops_per_min ? "text-danger" : ""],
      ["last writer commit", fmt.ago(h.last_writer_commit_ts_ms, s.ts_ms)],
      ["last trader cycle", fmt.ago(h.last_cycle_ts_ms, s.ts_ms), !h.last_cycle_ts_ms || age > 30000 ? "text-danger" : ""],
      ["disk free", fmt.bytes(h.disk_free_bytes), h.disk_free_bytes < 2 * 1024 ** 3 ? "text-warning" : ""],
      ["sqlite / WAL", fmt.bytes(h.sqlite_bytes) + " / " + fmt.bytes(h.wal_bytes), h.wal_bytes > 256 * 1024 ** 2 ? "text-warning" : ""],
      ["panel RSS / CPU", fmt.bytes(h.process_rss_bytes) + " / " + fmt.pct(h.process_cpu_pct_x10000)],
      ["panel uptime", Math.floor(s.uptime_s / 3600) + " h " + Math.floor((s.uptime_s % 3600) / 60) + " min"],
    ]));
}

function renderRisk(s) {
  const r = s.risk;
  const neg = (v) => (v.startsWith("-") ? "text-danger" : "");
  document.getElementById("risk").replaceChildren(kv([
    ["exposure (at cost)", r.exposure_total_quote + " USDT"],
    ["by symbol", r.exposure_by_symbol_quote.map((e) => e.symbol + " " + e.quote).join(", ") || "—"],
    ["locked / free to allocate", r.locked_quote + " / " + r.free_quote],
    ["PnL today realized", r.daily_pnl_realized_quote, neg(r.daily_pnl_realized_quote)],
    ["PnL unrealized", r.daily_pnl_unrealized_quote, neg(r.daily_pnl_unrealized_quote)],
    ["daily loss limit left", r.daily_loss_limit_remaining_quote, r.daily_loss_limit_remaining_quote === "0" ? "text-danger" : ""],
    ["drawdown", r.drawdown_quote],
    ["trades today", String(r.trades_today)],
  ]), el("div", { class: "small mt-1" }, r.cooldowns.length ? r.cooldowns.slice(0, 8).map((c) =>
    el("div", { class: c.cooldown_until_ts_ms > s.ts_ms ? "text-warning" : "text-body-secondary",
      text: c.symbol + ": cooldown " + (c.cooldown_until_ts_ms > s.ts_ms ? "until " + fmt.time(c.cooldown_until_ts_ms) : "over") +
        " · " + c.trades_per_hour + "/h · loss streak " + c.loss_streak }))
    : el("span", { class: "text-body-secondary", text: "no cooldowns" })));
}

function renderMarket(s) {
  const top = new Map(s.topk.items.map((i) => [i.symbol, i]));
  fillTable("market", s.market.symbols, (m) => {
    const t = top.get(m.symbol);
    return [el("span", { class: "fw-semibold", text: m.symbol }),
      t ? badge(fmt.x10000(t.score_x10000), t.churn_guard_applied ? "text-bg-info" : "text-bg-primary") : "",
      badge(m.regime), num(fmt.x10000(m.trend_score_x10000)), num(fmt.x10000(m.range_score_x10000)),
      num(m.spread_current_bps + " / " + m.spread_p50_bps + " / " + m.spread_p90_bps), num(m.delta_spread_bps_p90_10s),
      num(fmt.x10000(m.imbalance_x10000)), num(m.edge_bps_expected),
      num(m.costs_bps.fees_bps + " / " + m.costs_bps.slippage_bps + " / " + m.costs_bps.spread_bps),
      m.blocked_reason_code ? el("span", { class: "text-danger small", text: m.blocked_reason_code }) : "",
      el("span", { class: "small", text: m.signal_flags.join(" ") })];
  }, "no market snapshots yet");
  document.getElementById("topk-meta").textContent = "topk cycle " + fmt.short(s.topk.cycle_id) +
    " · max corr " + fmt.x10000(s.topk.max_pairwise_corr_x10000);
  document.getElementById("topk-pairs").textContent = s.topk.items.map((i) => i.symbol + " " + fmt.x10000(i.score_x10000) +
    (i.features_top.length ? " (" + i.features_top.map((f) => f.name + " " + fmt.x10000(f.value_x10000)).join(", ") + ")" : "")).join(" · ") +
    (s.topk.pairs_over_limit.length ? " | over corr limit: " + s.topk.pairs_over_limit.map((p) =>
      p.a + "/" + p.b + " " + fmt.x10000(p.corr_x10000) + " " + p.action).join(", ") : "");
}

function renderExecution(s) {
  document.getElementById("intent-counts").replaceChildren(...Object.entries(s.intents.pending_by_state).map(([k, v]) =>
    el("span", { class: "badge " + (v && (k === "SENT_UNKNOWN" || k === "FAILED_TERMINAL") ? BADGE[k] : "text-bg-light") }, k + " " + v)));
  fillTable("intents", s.intents.recent, (i) => [fmt.time(i.last_ts_ms), i.symbol, i.intent_kind, badge(i.state),
    el("span", { class: "small", text: i.summary, title: i.order_intent_id })]);
  const rc = s.reconcile;
  const drift = document.getElementById("drift");
  drift.className = "badge ms-2 " + BADGE[rc.drift_label];
  drift.textContent = rc.drift_label + " " + fmt.x10000(rc.drift_score_x10000);
  document.getElementById("reconcile-meta").textContent = "last " + fmt.ago(rc.last_reconcile_rest_ts_ms, s.ts_ms) +
    " · " + rc.last_reconcile_rest_dur_ms + " ms";
  fillTable("diffs", rc.recent_diffs, (d) => [fmt.time(d.ts_ms), d.symbol || "—", el("span", { class: "small", text: d.summary })]);
}

function renderAIGate(s) {
  const a = s.aigate;
  const v = document.getElementById("verdict");
  v.className = "badge ms-2 " + (a.last_call_ts_ms ? BADGE[a.verdict] : "text-bg-secondary");
  v.textContent = a.last_call_ts_ms ? a.verdict : "no call yet";
  document.getElementById("aigate").replaceChildren(kv([
    ["last call", fmt.ago(a.last_call_ts_ms, s.ts_ms)], ["model / latency", (a.model || "—") + " / " + a.latency_ms + " ms"],
    ["reasons", a.reason_codes.join(" ") || "—"], ["modify applied", a.modify_applied ? "yes" : "no"],
    ["error", a.error_kind || "—", a.error_kind ? "text-danger" : ""],
    ["input / snapshot / raw hash", el("span", { class: "font-monospace small",
      text: [a.input_hash, a.snapshot_hash, a.raw_hash].map((h) => (h ? h.slice(0, 10) : "—")).join(" ") })],
  ]));
}

function renderStages(s) {
  fillTable("stages", s.stage_history, (r) => [fmt.time(r.ts_ms), r.stage, r.symbol || "—",
    el("span", { class: "small", text: r.summary }),
    el("span", { class: "font-monospace small", text: fmt.short(r.cycle_id) + " " + fmt.short(r.decision_id) })]);
}

let plot = null;
function renderEquity(s) {
  const pts = s.risk.equity_curve;
  const box = document.getElementById("equity");
  document.getElementById("equity-meta").textContent = pts.length ? pts.length + " closes · drawdown " + s.risk.drawdown_quote : "no closed trades";
  if (!window.uPlot) return;
  const data = [pts.map((p) => p.ts_ms / 1000), pts.map((p) => Number(p.equity_quote))];
  const width = Math.max(200, box.clientWidth - 4);
  if (!plot) {
    plot = new uPlot({ width, height: 190, legend: { show: false }, scales: { x: { time: true } },
      axes: [{ stroke: "#adb5bd", grid: { stroke: "#343a40" } }, { stroke: "#adb5bd", grid: { stroke: "#343a40" } }],
      series: [{}, { label: "equity", stroke: "#0dcaf0", width: 2, fill: "rgba(13,202,240,0.08)" }] }, data, box);
  } else {
    if (Math.abs(plot.width - width) > 8) plot.setSize({ width, height: 190 });
    plot.setData(data);
  }
}

LS.renderSnapshot = function (s) {
  renderTop(s); renderHealth(s); renderRisk(s); renderMarket(s);
  renderExecution(s); renderAIGate(s); renderStages(s); renderEquity(s);
  LS.renderAlerts(s);
};
