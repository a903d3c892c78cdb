// mocksrv console: copy buttons, live regions refreshed from the journal
// stream, and the live traffic table. Hand-written, no dependencies; every
// page works without it.
(function () {
  "use strict";

  function announce(msg) {
    var s = document.getElementById("console-announcer");
    if (!s) {
      s = document.createElement("div");
      s.id = "console-announcer";
      s.className = "sr-only";
      s.setAttribute("role", "status");
      s.setAttribute("aria-live", "polite");
      document.body.appendChild(s);
    }
    s.textContent = msg;
  }

  // Copy buttons: data-copy holds the text, or data-copy-from names the
  // element whose text to copy.
  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text);
    }
    return new Promise(function (resolve, reject) {
      var ta = document.createElement("textarea");
      ta.value = text;
      ta.setAttribute("readonly", "");
      ta.style.position = "fixed";
      ta.style.opacity = "0";
      document.body.appendChild(ta);
      ta.select();
      try { document.execCommand("copy") ? resolve() : reject(new Error("copy refused")); }
      catch (e) { reject(e); }
      document.body.removeChild(ta);
    });
  }
  document.addEventListener("click", function (ev) {
    var b = ev.target.closest("button.copy");
    if (!b) return;
    var text = b.dataset.copy;
    if (b.dataset.copyFrom) {
      var el = document.getElementById(b.dataset.copyFrom);
      text = el ? el.textContent : "";
    }
    copyText(text || "").then(function () {
      var was = b.textContent;
      b.textContent = "Copied";
      announce("Copied to the clipboard");
      setTimeout(function () { b.textContent = was; }, 1500);
    }, function () { announce("Copy failed: select the text and copy it yourself"); });
  });

  // Live traffic: append each batch of the stream at the top of the table.
  function cell(tag, text, cls) {
    var c = document.createElement(tag);
    if (cls) c.className = cls;
    if (text !== undefined && text !== null) c.textContent = String(text);
    return c;
  }
  function statusClass(code) {
    if (!code || code >= 500) return "s5";
    if (code >= 400) return "s4";
    if (code >= 300) return "s3";
    return "s2";
  }
  function entryRow(e) {
    var tr = document.createElement("tr");
    tr.dataset.seq = e.seq;
    tr.className = "fresh";
    var th = cell("th");
    th.scope = "row";
    var a = document.createElement("a");
    a.href = e.link;
    a.textContent = e.seq;
    th.appendChild(a);
    tr.appendChild(th);
    tr.appendChild(cell("td", e.wall, "nowrap"));
    tr.appendChild(cell("td", e.at, "nowrap"));
    tr.appendChild(cell("td", e.tenant));
    tr.appendChild(cell("td", e.provider));
    tr.appendChild(cell("td", (e.type === "webhook" ? "webhook → " : "") + e.method + " " + e.path, "path"));
    tr.appendChild(cell("td", e.route));
    var st = cell("td");
    st.appendChild(cell("span", e.status, "code " + statusClass(e.status)));
    tr.appendChild(st);
    tr.appendChild(cell("td", e.duration_ms));
    tr.appendChild(cell("td", e.verdict));
    var notes = cell("td");
    if (e.fault) notes.appendChild(cell("span", "fault " + e.fault, "chip fault"));
    if (e.violations) notes.appendChild(cell("span", e.violations + " contract violation" + (e.violations === 1 ? "" : "s"), "chip violation"));
    if (e.error) notes.appendChild(cell("span", e.error, "chip"));
    if (e.defect) notes.appendChild(cell("span", "defect", "chip violation"));
    tr.appendChild(notes);
    return tr;
  }
  function traffic(table) {
    var body = table.tBodies[0];
    var max = parseInt(table.dataset.maxRows, 10) || 500;
    var status = document.getElementById("live-status");
    var received = 0;
    var es = new EventSource(table.dataset.stream);
    es.addEventListener("entries", function (ev) {
      var batch = JSON.parse(ev.data);
      var frag = document.createDocumentFragment();
      for (var i = batch.entries.length - 1; i >= 0; i--) frag.appendChild(entryRow(batch.entries[i]));
      body.insertBefore(frag, body.firstChild);
      while (body.rows.length > max) body.deleteRow(body.rows.length - 1);
      received += batch.entries.length;
      if (status) {
        status.textContent = received + " new entr" + (received === 1 ? "y" : "ies") + " since this page opened" +
          (batch.sampled ? " — under load: the newest of each batch are shown, open the journal for all" : "") + ".";
      }
    });
    es.addEventListener("failed", function (ev) {
      if (status) status.textContent = "The stream stopped: " + JSON.parse(ev.data) + " Reload the page to start it again.";
      es.close();
    });
    es.onerror = function () {
      if (status && es.readyState === EventSource.CLOSED) status.textContent = "The stream closed. Reload the page to start it again.";
    };
  }

  // Live regions: when the journal shows activity, fetch this page again
  // and swap in the fresh [data-live-region] elements, keeping any the
  // user is typing in.
  function liveRegions(url) {
    var pending = null;
    var busy = false;
    function refresh() {
      pending = null;
      if (busy || document.hidden) return;
      busy = true;
      fetch(location.href, { credentials: "same-origin", headers: { "X-Console-Refresh": "1" } })
        .then(function (r) { return r.ok ? r.text() : Promise.reject(new Error(r.status)); })
        .then(function (html) {
          var doc = new DOMParser().parseFromString(html, "text/html");
          document.querySelectorAll("[data-live-region][id]").forEach(function (old) {
            var fresh = doc.getElementById(old.id);
            if (!fresh) return;
            var a = document.activeElement;
            if (a && old.contains(a) && /^(INPUT|SELECT|TEXTAREA)$/.test(a.tagName)) return;
            var open = [];
            old.querySelectorAll("details").forEach(function (d, i) { if (d.open) open.push(i); });
            var details = fresh.querySelectorAll("details");
            open.forEach(function (i) { if (details[i]) details[i].open = true; });
            old.replaceWith(document.importNode(fresh, true));
          });
          document.documentElement.dataset.refreshed = String(Date.now());
        })
        .catch(function () {})
        .then(function () { busy = false; });
    }
    var es = new EventSource(url);
    es.addEventListener("entries", function () {
      if (!pending) pending = setTimeout(refresh, 300);
    });
    es.addEventListener("failed", function () { es.close(); });
    document.addEventListener("visibilitychange", function () { if (!document.hidden) refresh(); });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var t = document.getElementById("traffic");
    if (t && t.dataset.stream && window.EventSource) traffic(t);
    var live = document.body.dataset.liveStream;
    if (live && window.EventSource && document.querySelector("[data-live-region]")) liveRegions(live);
  });
})();
