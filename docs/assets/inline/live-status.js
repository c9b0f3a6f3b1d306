/* Live status of the campaign, computed when the page is read.
 *
 * Not part of assets/site.js: partials/live-status.md.j2 writes this file,
 * minified, as an inline script right after the status element and its data
 * (<script id="site-live-data">, from data/), so it runs while the page is
 * parsed and the status is there at the first paint. Loaded at the end of the
 * page instead, it filled the box after the first paint and pushed the deadline
 * cards down (Lighthouse: cumulative layout shift 0.153 on 首页, issue 11).
 * The page's Content-Security-Policy allows it by its hash (postbuild.py).
 *
 * It fills:
 *   [data-live="status"]      first the day's most urgent fact for the member
 *                             units (今天截止 / 明天截止 / 还有 N 天截止, what
 *                             and where to send it; a deadline just passed and
 *                             whom to ask), then the stage (首页, 时间安排);
 *   [data-live="doc-status"]  the notice's status in its metadata block.
 * "Today" is the date in Asia/Shanghai whatever the reader's time zone.
 * No dependencies; without JavaScript nothing here runs and the status
 * element stays hidden, so no stale status is ever shown.
 */
(function () {
  "use strict";

  var DAY_MS = 86400000;

  /* Today's date (YYYY-MM-DD) in the given IANA time zone. */
  function todayIn(timeZone, now) {
    try {
      var parts = new Intl.DateTimeFormat("en-US", {
        timeZone: timeZone, year: "numeric", month: "2-digit", day: "2-digit"
      }).formatToParts(now);
      var found = {};
      for (var i = 0; i < parts.length; i++) found[parts[i].type] = parts[i].value;
      if (found.year && found.month && found.day) return found.year + "-" + found.month + "-" + found.day;
    } catch (e) { /* very old browser: fall through */ }
    // Asia/Shanghai has been UTC+8 all year round since 1991.
    return new Date(now.getTime() + 8 * 3600 * 1000).toISOString().slice(0, 10);
  }

  function dayNumber(iso) {
    var p = iso.split("-");
    return Math.round(Date.UTC(+p[0], +p[1] - 1, +p[2]) / DAY_MS);
  }

  function cnDate(iso) {
    var p = iso.split("-");
    return +p[0] + "年" + +p[1] + "月" + +p[2] + "日";
  }

  function monthDay(iso) {
    var p = iso.split("-");
    return +p[1] + "月" + +p[2] + "日";
  }

  /* {label, stage} for the date: 未开始 / <stage>进行中 / 活动已结束. */
  function stageStatus(timeline, today) {
    var stages = timeline.stages || [];
    var t = dayNumber(today);
    if (!stages.length) return null;
    if (t < dayNumber(stages[0].start)) return { label: "未开始", stage: null, next: stages[0] };
    for (var i = 0; i < stages.length; i++) {
      var s = stages[i];
      if (t >= dayNumber(s.start) && t <= dayNumber(s.end)) return { label: s.name + "进行中", stage: s };
      if (i + 1 < stages.length && t > dayNumber(s.end) && t < dayNumber(stages[i + 1].start)) {
        return { label: s.name + "已结束", stage: null, next: stages[i + 1] };
      }
    }
    return { label: "活动已结束", stage: null, last: stages[stages.length - 1] };
  }

  /* The audience's deadlines in date order (the page's data lists them all). */
  function deadlinesOf(timeline, audience) {
    var list = (timeline.deadlines || []).filter(function (d) { return d.audience === audience; });
    return list.sort(function (a, b) { return dayNumber(a.due) - dayNumber(b.due); });
  }

  /* {next, days, passed}: the first deadline due today or later and the days
   * left, and the latest one already past. A deadline written "6月25日前"
   * (due_kind "before") counts its own day, as 时间安排 states: it is due
   * today on 6月25日 and past from 6月26日. */
  function deadlineState(timeline, audience, today) {
    var t = dayNumber(today);
    var own = deadlinesOf(timeline, audience);
    var state = { next: null, days: null, passed: null };
    for (var i = 0; i < own.length; i++) {
      var left = dayNumber(own[i].due) - t;
      if (left < 0) state.passed = own[i];
      else if (!state.next) { state.next = own[i]; state.days = left; }
    }
    return state;
  }

  /* Within this many days of the next deadline a passed one is no longer told. */
  var URGENT_DAYS = 7;

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  /* 今天截止（5月8日）：活动筹备方案. The day itself, never "6月25日前" beside
   * 今天截止: the site reads 前 as including that day. Where to send it is on
   * the deadline's card (partials/deadline-cards.md.j2), which this links to. */
  function dueLine(d, days) {
    var line = el("p", "live-status__due");
    line.setAttribute("data-live", "next");
    line.setAttribute("data-days", String(days));
    line.setAttribute("data-deadline", d.key);
    var label = days === 0 ? "今天截止" : days === 1 ? "明天截止" : "还有 " + days + " 天截止";
    line.appendChild(el("strong", "live-status__label", label));
    line.appendChild(document.createTextNode("（" + monthDay(d.due) + "）："));
    var what = el("a", "live-status__what", d.what);
    if (document.getElementById("due-" + d.key)) what.href = "#due-" + d.key;
    line.appendChild(what);
    return line;
  }

  /* 已过 5月8日 截止的活动筹备方案，如未报送请联系 … */
  function passedLine(d) {
    var line = el("p", "live-status__passed");
    line.setAttribute("data-live", "passed");
    line.setAttribute("data-deadline", d.key);
    line.appendChild(el("strong", null, "已过 " + monthDay(d.due) + " 截止的" + d.what));
    var ask = "，如未报送请联系" + ((d.people || []).length ? d.people.join("、") : d.office || "");
    line.appendChild(document.createTextNode(ask + (d.phone ? " " : "。")));
    if (d.phone) {
      var tel = el("a", null, d.phone);
      if (d.tel) tel.href = d.tel;
      line.appendChild(tel);
      line.appendChild(document.createTextNode("。"));
    }
    return line;
  }

  /* The stage, second: 活动阶段：第一阶段进行中（5月10日—5月25日）. */
  function stageLine(status) {
    var head = el("p", "live-status__now");
    head.appendChild(document.createTextNode("活动阶段："));
    var label = el("strong", "live-status__stage", status.label);
    label.setAttribute("data-live", "stage");
    head.appendChild(label);
    var detail = "";
    if (status.stage) {
      detail = "（" + monthDay(status.stage.start) + "—" + monthDay(status.stage.end) + "）";
    } else if (status.next) {
      detail = "，" + status.next.name + " " + monthDay(status.next.start) + "开始";
    } else if (status.last) {
      detail = "（" + monthDay(status.last.end) + "结束）";
    }
    head.appendChild(document.createTextNode(detail + "。"));
    return head;
  }

  /* Marks the first-screen cards (partials/deadline-cards.md.j2): passed, due next. */
  function markCards(state, own, today) {
    var t = dayNumber(today);
    for (var i = 0; i < own.length; i++) {
      var card = document.getElementById("due-" + own[i].key);
      if (!card || !card.classList.contains("deadline-card")) continue;
      card.classList.toggle("is-passed", dayNumber(own[i].due) < t);
      card.classList.toggle("is-next", own[i] === state.next);
    }
  }

  function renderStatus(box, data, today) {
    var timeline = data.timeline;
    var status = stageStatus(timeline, today);
    if (!status) return;
    var audience = box.getAttribute("data-audience") || (data.audience && data.audience.key);
    var short = (data.audience && data.audience.short) || "";
    var state = deadlineState(timeline, audience, today);
    markCards(state, deadlinesOf(timeline, audience), today);
    // Filled already for today (the run at DOMContentLoaded): rebuilt, the same
    // text would be painted again as new content (a later largest paint).
    if (box.getAttribute("data-live-day") === today) return;
    box.setAttribute("data-live-day", today);
    box.textContent = "";

    var parts = [];
    var passed = state.passed ? passedLine(state.passed) : null;
    if (state.next) {
      // A passed deadline is told until the next one is near; then the next one is the news.
      if (passed && state.days > URGENT_DAYS) parts.push(passed);
      parts.push(dueLine(state.next, state.days));
    } else {
      if (passed) parts.push(passed);
      var none = el("p", "live-status__none", short + "的报送截止时间均已过。");
      none.setAttribute("data-live", "next");
      parts.push(none);
    }
    var stage = stageLine(status);
    stage.appendChild(el("span", "live-status__basis", "按北京时间今天（" + cnDate(today) + "）计算。"));
    parts.push(stage);
    for (var i = 0; i < parts.length; i++) box.appendChild(parts[i]);
    box.hidden = false;
  }

  /* Mirrors Document.status_on in scripts/sitegen/model.py. */
  function docStatus(data, today) {
    var t = dayNumber(today);
    if (t < dayNumber(data.issued)) return "未印发";
    if (t <= dayNumber(data.timeline.campaign.end)) return "有效";
    return "活动已结束";
  }

  function renderDocStatus(span, data, today) {
    span.textContent = docStatus(data, today);
    var basis = span.parentNode && span.parentNode.querySelector(".doc-meta__basis");
    if (basis) {
      var c = data.timeline.campaign;
      basis.textContent = "（活动期 " + cnDate(c.start) + "至" + cnDate(c.end) + "；按北京时间今天 " + cnDate(today) + " 判断）";
    }
  }

  /* The page's embedded data (the same JSON window.siteData() reads in site.js). */
  function pageData() {
    var el = document.getElementById("site-live-data");
    if (!el) return null;
    try {
      return JSON.parse(el.textContent);
    } catch (e) {
      return null;
    }
  }

  function run() {
    var data = pageData();
    if (!data || !data.timeline || !data.timeline.stages) return;
    var today = todayIn(data.timeline.timezone || "Asia/Shanghai", new Date());
    var boxes = document.querySelectorAll('[data-live="status"]');
    for (var i = 0; i < boxes.length; i++) renderStatus(boxes[i], data, today);
    var spans = document.querySelectorAll('[data-live="doc-status"]');
    for (var j = 0; j < spans.length; j++) renderDocStatus(spans[j], data, today);
  }

  // The status box and the notice's status stand before this script, so they
  // are filled now, before the first paint; the deadline cards after it get
  // their passed / next marks (colour only) once the page is parsed.
  run();
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", run);
})();
