/* Field records that survive a dead network (FLD-2).
 * The form is saved in localStorage as the user types, under a UUID made here; submitting sends it with
 * that UUID, which the server treats as an idempotency key (a retry never doubles a record). Without a
 * network the draft waits on the device and is sent when the browser comes back online. */
(function () {
  "use strict";
  var STORE = "shuping.fieldDrafts";
  var form = document.getElementById("fw-form");
  if (!form) return;
  var fa = form.dataset.fa;
  var statusBox = document.getElementById("fw-status");
  var draftsBox = document.getElementById("fw-drafts");

  function uuid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var b = new Uint8Array(16); crypto.getRandomValues(b);
    b[6] = (b[6] & 15) | 64; b[8] = (b[8] & 63) | 128;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }
  function load() { try { return JSON.parse(localStorage.getItem(STORE)) || {}; } catch (e) { return {}; } }
  function save(all) { try { localStorage.setItem(STORE, JSON.stringify(all)); return true; } catch (e) { return false; } }
  function say(text, kind) {
    statusBox.hidden = false; statusBox.textContent = text; statusBox.className = "fw-status " + (kind || "");
    if (kind !== "muted" && statusBox.scrollIntoView) statusBox.scrollIntoView({ block: "nearest" });
  }
  function fields() {
    var out = [];
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.type === "file" || el.name === "csrfmiddlewaretoken") return;
      if ((el.type === "checkbox" || el.type === "radio") && !el.checked) return;
      out.push([el.name, el.value]);
    });
    return out;
  }
  function restore(list) {
    var values = {};
    list.forEach(function (p) { (values[p[0]] = values[p[0]] || []).push(p[1]); });
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.type === "file" || el.name === "csrfmiddlewaretoken" || el.type === "hidden") return;
      var v = values[el.name] || [];
      if (el.type === "checkbox") el.checked = v.indexOf(el.value) >= 0; else el.value = v[0] || "";
    });
  }
  function current() {
    var all = load();
    for (var k in all) if (all[k].fa === fa && all[k].state === "editing") return k;
    return null;
  }
  var key = current();
  if (key) { restore(load()[key].fields); } else { key = uuid(); }
  form.elements.client_uuid.value = key;

  function keep(state) {
    var all = load();
    var startedAt = (all[key] && all[key].startedAt) || new Date().toISOString();
    form.elements.drafted_at.value = startedAt;
    all[key] = { fa: fa, url: form.action, state: state, startedAt: startedAt, fields: fields() };
    return save(all);
  }
  function refreshWarnings() {
    Array.prototype.forEach.call(form.querySelectorAll(".fw-item"), function (item) {
      var id = item.dataset.indicator;
      var score = form.elements["score_" + id].value;
      var ev = Array.prototype.filter.call(item.querySelectorAll("input[type=checkbox]"), function (c) { return c.checked; })
        .map(function (c) { return c.value; });
      var paper = ev.length > 0 && ev.every(function (v) { return v === "document_review" || v === "report_hearing"; });
      item.querySelector(".fw-live").hidden = !(item.dataset.site === "1" && score !== "" && paper);
    });
  }
  function pending() {
    var all = load(), n = 0;
    for (var k in all) if (all[k].fa === fa && all[k].state === "pending") n++;
    draftsBox.hidden = n === 0;
    draftsBox.querySelector("[data-count]").textContent = n;
    return n;
  }
  function token() { return form.elements.csrfmiddlewaretoken.value; }

  function send(k, draft, files) {
    var body = new FormData();
    draft.fields.forEach(function (p) { body.append(p[0], p[1]); });
    (files || []).forEach(function (f) { body.append("photos", f); });
    return fetch(draft.url, {
      method: "POST", body: body, credentials: "same-origin",
      headers: { "Accept": "application/json", "X-CSRFToken": token() }
    }).then(function (r) {
      return r.json().then(function (data) { return { ok: r.ok, status: r.status, data: data }; });
    }).then(function (res) {
      var all = load();
      if (res.ok) {
        delete all[k]; save(all);
        return { sent: true, data: res.data };
      }
      if (res.status >= 400 && res.status < 500) {
        // The server refused the content: give it back to the form to correct (it is never dropped).
        if (all[k]) { all[k].state = "editing"; save(all); }
        return { sent: false, refused: true, data: res.data };
      }
      return { sent: false };
    });
  }

  function sendPending() {
    if (!navigator.onLine) return Promise.resolve(false);
    var all = load(), chain = Promise.resolve(false);
    Object.keys(all).forEach(function (k) {
      if (all[k].fa !== fa || all[k].state !== "pending") return;
      chain = chain.then(function (any) {
        return send(k, all[k]).then(function (r) { return any || r.sent; }, function () { return any; });
      });
    });
    return chain.then(function (any) {
      if (any) { say("草稿已提交。", "ok"); setTimeout(function () { location.reload(); }, 300); }
      pending();
      return any;
    });
  }

  form.addEventListener("input", function () { keep("editing"); refreshWarnings(); say("草稿已自动保存在本机。", "muted"); });
  form.addEventListener("change", function () { keep("editing"); refreshWarnings(); });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    keep("pending");
    var draft = load()[key];
    var files = Array.prototype.slice.call(form.elements.photos.files || []);
    var fresh = function () { key = uuid(); form.elements.client_uuid.value = key; form.reset(); refreshWarnings(); };
    if (!navigator.onLine) {
      say("草稿已保存在本机，联网后提交。", "warn"); fresh(); pending(); return;
    }
    say("正在提交…", "muted");
    send(key, draft, files).then(function (r) {
      if (r.sent) {
        say(r.data.detail + (r.data.warnings && r.data.warnings.length ? " 有 " + r.data.warnings.length + " 项评分需说明理由。" : ""), "ok");
        setTimeout(function () { location.reload(); }, 300);
      } else if (r.refused) {
        restore(draft.fields); say("未能提交：" + (r.data.detail || "请检查后重试。"), "bad");
      } else {
        say("草稿已保存在本机，联网后提交。", "warn"); fresh(); pending();
      }
    }, function () {
      say("草稿已保存在本机，联网后提交。", "warn"); fresh(); pending();
    });
  });
  document.getElementById("fw-send").addEventListener("click", sendPending);
  window.addEventListener("online", sendPending);
  window.addEventListener("offline", function () { say("已断网：记录会保存在本机，联网后提交。", "warn"); });
  refreshWarnings();
  if (pending()) sendPending();
})();
