/* Live status of the campaign, computed when the page is read.
 *
 * Reads the dates embedded in the page (<script id="site-live-data">, written
 * by scripts/sitegen/templates/partials/live-status.md.j2 from data/) and
 * fills:
 *   [data-live="status"]      the current stage and the days left to the
 *                             next member-unit deadline (首页, 时间安排);
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

  /* The first deadline of the audience due today or later, with days left. */
  function nextDeadline(timeline, audience, today) {
    var t = dayNumber(today);
    var best = null;
    var list = timeline.deadlines || [];
    for (var i = 0; i < list.length; i++) {
      var d = list[i];
      if (d.audience !== audience) continue;
      var left = dayNumber(d.due) - t;
      if (left < 0) continue;
      if (!best || left < best.days) best = { deadline: d, days: left };
    }
    return best;
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function renderStatus(box, data, today) {
    var timeline = data.timeline;
    var status = stageStatus(timeline, today);
    if (!status) return;
    var audience = box.getAttribute("data-audience") || (data.audience && data.audience.key);
    var short = (data.audience && data.audience.short) || "";
    box.textContent = "";

    var head = el("p", "live-status__now");
    var label = el("strong", "live-status__label", status.label);
    label.setAttribute("data-live", "stage");
    head.appendChild(label);
    var detail = "";
    if (status.stage) {
      detail = "（" + monthDay(status.stage.start) + "—" + monthDay(status.stage.end) + "）";
    } else if (status.next) {
      var wait = dayNumber(status.next.start) - dayNumber(today);
      detail = "：" + status.next.name + " " + monthDay(status.next.start) + "开始，还有 " + wait + " 天";
    } else if (status.last) {
      detail = "（" + monthDay(status.last.end) + "结束）";
    }
    head.appendChild(document.createTextNode(detail));
    box.appendChild(head);

    var next = nextDeadline(timeline, audience, today);
    var line = el("p", "live-status__next");
    line.setAttribute("data-live", "next");
    if (next) {
      var d = next.deadline;
      line.setAttribute("data-days", String(next.days));
      line.setAttribute("data-deadline", d.key);
      if (next.days === 0) {
        line.appendChild(document.createTextNode(short + "：今天截止——"));
      } else {
        line.appendChild(document.createTextNode(short + "下一个截止时间还有 "));
        line.appendChild(el("strong", "live-status__days", String(next.days)));
        line.appendChild(document.createTextNode(" 天——"));
      }
      var link = el("a", null, (d.due_text || monthDay(d.due)) + " " + d.what);
      link.href = "#due-" + d.key;
      if (!document.getElementById("due-" + d.key)) link.removeAttribute("href");
      line.appendChild(link);
    } else {
      line.textContent = short + "的报送截止时间均已过。";
    }
    box.appendChild(line);

    box.appendChild(el("p", "live-status__basis", "按北京时间今天（" + cnDate(today) + "）计算。"));
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

  function run() {
    var data = window.siteData();
    if (!data || !data.timeline || !data.timeline.stages) return;
    var today = todayIn(data.timeline.timezone || "Asia/Shanghai", new Date());
    var boxes = document.querySelectorAll('[data-live="status"]');
    for (var i = 0; i < boxes.length; i++) renderStatus(boxes[i], data, today);
    var spans = document.querySelectorAll('[data-live="doc-status"]');
    for (var j = 0; j < spans.length; j++) renderDocStatus(spans[j], data, today);
  }

  window.onEachPage(run);
})();
