/* Download hint for readers inside WeChat's built-in browser.
 *
 * WeChat (user agent contains "MicroMessenger") often blocks file downloads.
 * There, each download link gets a small, non-blocking note under it: open
 * the page in the system browser, a button that copies the page's address,
 * and an e-mail fallback to the member units' submission mailbox (from the
 * data embedded by partials/live-status.md.j2). Anywhere else nothing shows.
 * No dependencies.
 */
(function () {
  "use strict";

  var HINT_CLASS = "wechat-hint";

  function inWeChat() {
    return /MicroMessenger/i.test(navigator.userAgent || "");
  }

  function readData() {
    var el = document.getElementById("site-live-data");
    if (!el) return null;
    try {
      return JSON.parse(el.textContent);
    } catch (e) {
      return null;
    }
  }

  function pageUrl() {
    return window.location.href.split("#")[0];
  }

  function isDownload(a) {
    if (a.closest("." + HINT_CLASS)) return false;
    if (a.hasAttribute("download")) return true;
    var href = a.getAttribute("href") || "";
    return /(^|\/)downloads\//.test(href);
  }

  /* The name offered when saving: the download attribute, else the URL's last part. */
  function fileName(a) {
    var name = a.getAttribute("download");
    if (name) return name;
    var href = (a.getAttribute("href") || "").split(/[?#]/)[0];
    try {
      return decodeURIComponent(href.split("/").pop() || "");
    } catch (e) {
      return href.split("/").pop() || "";
    }
  }

  /* Copy with the async Clipboard API, else the old execCommand path. */
  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text).then(function () { return true; }, function () {
        return legacyCopy(text);
      });
    }
    return Promise.resolve(legacyCopy(text));
  }

  function legacyCopy(text) {
    var focused = document.activeElement;
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "fixed";
    area.style.top = "-1000px";
    document.body.appendChild(area);
    area.focus();
    area.select();
    var ok = false;
    try {
      ok = document.execCommand("copy");
    } catch (e) {
      ok = false;
    }
    document.body.removeChild(area);
    if (focused && focused.focus) focused.focus();  // keep keyboard users on the button
    return ok;
  }

  function mailto(address, subject, body) {
    return "mailto:" + address + "?subject=" + encodeURIComponent(subject) + "&body=" + encodeURIComponent(body);
  }

  function makeHint(link, data) {
    var box = document.createElement("div");
    box.className = HINT_CLASS;
    box.setAttribute("role", "note");

    var name = fileName(link);
    var text = document.createElement("p");
    text.textContent = "在微信里可能无法下载" + (link.hasAttribute("download") && name ? "“" + name + "”" : "这个文件") +
      "：请点右上角“···”，选择“在浏览器中打开”后再下载；或复制本页链接，粘贴到手机浏览器打开。";
    box.appendChild(text);

    var actions = document.createElement("p");
    actions.className = HINT_CLASS + "__actions";
    var button = document.createElement("button");
    button.type = "button";
    button.className = HINT_CLASS + "__copy md-button";
    button.textContent = "复制本页链接";
    var status = document.createElement("span");
    status.className = HINT_CLASS + "__status";
    status.setAttribute("aria-live", "polite");
    button.addEventListener("click", function () {
      var url = pageUrl();
      copyText(url).then(function (ok) {
        status.textContent = ok ? "已复制" : "未能自动复制，请长按地址栏复制：" + url;
      });
    });
    actions.appendChild(button);
    actions.appendChild(status);
    box.appendChild(actions);

    if (data && data.mailbox && data.mailbox.address) {
      var mail = document.createElement("p");
      mail.appendChild(document.createTextNode("仍无法下载，可发邮件至 "));
      var a = document.createElement("a");
      a.href = mailto(data.mailbox.address, "【索取文件】" + (name || document.title),
        "您好！我在微信中无法下载“" + (name || "文件") + "”，请将该文件发送到本邮箱。\n页面：" + pageUrl() + "\n单位名称：");
      a.textContent = data.mailbox.address;
      mail.appendChild(a);
      mail.appendChild(document.createTextNode("（" + data.mailbox.office + "）索取。"));
      box.appendChild(mail);
    }
    return box;
  }

  /* Put the hint after the block that holds the link (one hint per block). */
  function place(link, hint) {
    var block = link.closest("li, dd, td, p, section, div") || link;
    if (block.tagName === "P") {
      if (block.nextElementSibling && block.nextElementSibling.classList.contains(HINT_CLASS)) return false;
      block.parentNode.insertBefore(hint, block.nextSibling);
    } else {
      var before = null;
      for (var i = 0; i < block.children.length; i++) {
        var child = block.children[i];
        if (child.classList.contains(HINT_CLASS)) return false;
        // Right after the sentence with the link, before a nested list or block.
        if (!before && /^(UL|OL|DL|DIV|TABLE|P)$/.test(child.tagName) &&
            (link.compareDocumentPosition(child) & Node.DOCUMENT_POSITION_FOLLOWING) && !child.contains(link)) {
          before = child;
        }
      }
      block.insertBefore(hint, before);
    }
    return true;
  }

  function run() {
    if (!inWeChat()) return;
    var data = readData();
    var links = document.querySelectorAll("main a[href], article a[href]");
    for (var i = 0; i < links.length; i++) {
      if (isDownload(links[i])) place(links[i], makeHint(links[i], data));
    }
  }

  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(run);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", run);
  } else {
    run();
  }
})();
