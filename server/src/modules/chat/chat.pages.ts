/**
 * The citizen chat page (`/chat`) and the embeddable widget (`/widget.js`): plain HTML and JavaScript served
 * by the platform, so a city's website can add the bot with one script tag and the page works without the
 * console bundle. Every text from the server or the citizen is shown with textContent, never as HTML, and
 * the page's Content-Security-Policy allows only its own nonce'd script, so injected markup cannot run.
 *
 *   <script src="https://12345.example.gov.cn/widget.js" data-lang="zh-CN" async></script>
 */
import { randomBytes } from 'node:crypto';
import type { Response } from 'express';

/** Sends the chat page; `embedded` (inside the widget's iframe) drops the page header. */
export function chatPage(res: Response, options: { embedded: boolean }): void {
  const nonce = randomBytes(16).toString('base64');
  // The widget frames this page on cities' own sites, so this one page may be framed anywhere (no
  // X-Frame-Options, no frame-ancestors: `*` would still refuse a portal served from file: or about:).
  res.removeHeader('X-Frame-Options');
  res.setHeader(
    'Content-Security-Policy',
    `default-src 'none'; script-src 'nonce-${nonce}'; style-src 'nonce-${nonce}'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'`,
  );
  res.setHeader('Cache-Control', 'no-cache');
  res.status(200).type('html').send(pageHtml(nonce, options.embedded));
}

export function widgetScript(res: Response): void {
  res.setHeader('Cache-Control', 'public, max-age=300');
  res.status(200).type('application/javascript').send(WIDGET_JS);
}

function pageHtml(nonce: string, embedded: boolean): string {
  return `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>12345 在线咨询</title>
<style nonce="${nonce}">
  * { box-sizing: border-box; }
  html, body { height: 100%; margin: 0; }
  body { font: 15px/1.6 -apple-system, "PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", sans-serif; background: #f5f7fa; color: #1f2329; display: flex; flex-direction: column; }
  header { background: #c8102e; color: #fff; padding: 10px 16px; display: flex; align-items: center; justify-content: space-between; }
  header h1 { font-size: 17px; margin: 0; font-weight: 600; }
  header button { background: transparent; color: #fff; border: 1px solid rgba(255,255,255,.6); border-radius: 4px; padding: 2px 8px; cursor: pointer; }
  .embedded header { padding: 6px 12px; }
  #messages { flex: 1; overflow-y: auto; padding: 12px; display: flex; flex-direction: column; gap: 10px; }
  .msg { max-width: 86%; padding: 8px 12px; border-radius: 10px; white-space: pre-wrap; word-break: break-word; }
  .msg.bot { background: #fff; align-self: flex-start; border: 1px solid #e5e6eb; }
  .msg.user { background: #1677ff; color: #fff; align-self: flex-end; }
  .msg.agent { background: #f6ffed; border: 1px solid #b7eb8f; align-self: flex-start; }
  .msg .who { display: block; font-size: 12px; color: #389e0d; }
  .live { display: flex; align-items: center; justify-content: space-between; gap: 8px; padding: 6px 12px; background: #fffbe6; border-top: 1px solid #ffe58f; font-size: 13px; }
  .live[hidden] { display: none; }
  .live button, .offer button { border: 1px solid #1677ff; color: #1677ff; background: #fff; border-radius: 14px; padding: 2px 10px; cursor: pointer; font-size: 13px; }
  .offer { margin-top: 8px; }
  .msg.error { background: #fff2f0; border: 1px solid #ffccc7; color: #a8071a; align-self: stretch; max-width: 100%; }
  .choices, .rate { display: flex; flex-wrap: wrap; gap: 6px; margin-top: 8px; }
  .choices button, .rate button { border: 1px solid #1677ff; color: #1677ff; background: #fff; border-radius: 14px; padding: 2px 10px; cursor: pointer; font-size: 13px; }
  .rate span { font-size: 13px; color: #86909c; }
  .rate button[aria-pressed="true"] { background: #1677ff; color: #fff; }
  form { display: flex; gap: 8px; padding: 10px; background: #fff; border-top: 1px solid #e5e6eb; }
  textarea { flex: 1; resize: none; height: 44px; padding: 8px; border: 1px solid #c9cdd4; border-radius: 6px; font: inherit; }
  form button { border: 0; border-radius: 6px; padding: 0 14px; cursor: pointer; font: inherit; }
  #send { background: #1677ff; color: #fff; }
  #agent { background: #f2f3f5; color: #1f2329; }
  button:disabled { opacity: .5; cursor: default; }
  .note { font-size: 12px; color: #86909c; text-align: center; padding: 4px 0 8px; background: #fff; }
</style>
</head>
<body class="${embedded ? 'embedded' : ''}">
<header><h1 data-i18n="title">12345 在线咨询</h1><button type="button" id="lang" data-testid="chat-language">English</button></header>
<main id="messages" data-testid="chat-messages" aria-live="polite"></main>
<div id="live" class="live" data-testid="chat-live" hidden><span id="live-text"></span><button type="button" id="live-leave" data-testid="chat-live-leave"></button></div>
<form id="form">
  <textarea id="input" data-testid="chat-input" maxlength="20000" data-i18n-placeholder="placeholder" placeholder="请输入您的问题"></textarea>
  <button type="button" id="agent" data-testid="chat-agent" data-i18n="agent">转人工</button>
  <button type="submit" id="send" data-testid="chat-send" data-i18n="send">发送</button>
</form>
<div class="note" data-i18n="note">示例知识库，答复仅供参考；紧急情况请拨打 110/119/120</div>
<script nonce="${nonce}">${PAGE_JS}</script>
</body>
</html>`;
}

const PAGE_JS = String.raw`
(function () {
  'use strict';
  var T = {
    'zh-CN': { title: '12345 在线咨询', placeholder: '请输入您的问题', send: '发送', agent: '转人工', other: 'English', helpful: '这个回答有帮助吗？', yes: '有帮助', no: '没帮助', thanks: '感谢您的反馈！', network: '网络异常，请稍后再试', note: '示例知识库，答复仅供参考；紧急情况请拨打 110/119/120', agentText: '转人工',
      offer: '现在有人工客服在线，您可以在此等候接入；也可以直接描述诉求留言。', wait: '等待人工客服', waiting: '正在等候人工客服接入…', connected: '人工客服 {agent} 正在为您服务', leaveWait: '不等了，转为留言', leaveTalk: '结束对话', agentLabel: '人工客服' },
    en: { title: '12345 Online help', placeholder: 'Type your question', send: 'Send', agent: 'Agent', other: '中文', helpful: 'Was this helpful?', yes: 'Yes', no: 'No', thanks: 'Thank you for your feedback!', network: 'Network problem; please try again', note: 'Sample knowledge base; answers are for reference. Emergencies: 110/119/120', agentText: 'agent',
      offer: 'An agent is free now: you can wait here to talk to them, or describe your request to leave it.', wait: 'Wait for an agent', waiting: 'Waiting for an agent…', connected: 'Agent {agent} is with you', leaveWait: 'Stop waiting, leave a request', leaveTalk: 'End the chat', agentLabel: 'Agent' }
  };
  var params = new URLSearchParams(location.search);
  var lang = (params.get('lang') || navigator.language || 'zh-CN').toLowerCase().indexOf('en') === 0 ? 'en' : 'zh-CN';
  var KEY = 'hotline.chat';
  var store = { get: function () { try { return JSON.parse(sessionStorage.getItem(KEY) || 'null'); } catch (e) { return null; } },
                set: function (v) { try { sessionStorage.setItem(KEY, JSON.stringify(v)); } catch (e) {} },
                clear: function () { try { sessionStorage.removeItem(KEY); } catch (e) {} } };
  var session = null;
  var list = document.getElementById('messages');
  var input = document.getElementById('input');
  var sendButton = document.getElementById('send');
  var agentButton = document.getElementById('agent');

  function applyLanguage() {
    document.documentElement.lang = lang;
    document.querySelectorAll('[data-i18n]').forEach(function (el) { el.textContent = T[lang][el.getAttribute('data-i18n')]; });
    input.placeholder = T[lang].placeholder;
    document.getElementById('lang').textContent = T[lang].other;
    document.title = T[lang].title;
  }

  function api(method, path, body) {
    var headers = { 'Accept-Language': lang };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (session) headers['X-Chat-Token'] = session.token;
    return fetch(path, { method: method, headers: headers, body: body === undefined ? undefined : JSON.stringify(body) })
      .then(function (res) { return res.json().catch(function () { return {}; }).then(function (data) { return { status: res.status, data: data }; }); });
  }

  function bubble(role, text, extra) {
    var div = document.createElement('div');
    div.className = 'msg ' + role;
    div.setAttribute('data-role', role);
    if (extra && extra.kind) div.setAttribute('data-kind', extra.kind);
    div.setAttribute('data-testid', 'chat-message');
    div.textContent = text;
    list.appendChild(div);
    list.scrollTop = list.scrollHeight;
    return div;
  }

  function renderBot(m) {
    var div = bubble('bot', m.text, m);
    if (m.choices && m.choices.length) {
      var row = document.createElement('div');
      row.className = 'choices';
      m.choices.forEach(function (c) {
        var b = document.createElement('button');
        b.type = 'button';
        b.textContent = c.n + '. ' + c.question;
        b.setAttribute('data-testid', 'chat-choice-' + c.n);
        b.addEventListener('click', function () { send(String(c.n)); });
        row.appendChild(b);
      });
      div.appendChild(row);
    }
    if (m.canRate) {
      var rate = document.createElement('div');
      rate.className = 'rate';
      var label = document.createElement('span');
      label.textContent = T[lang].helpful;
      rate.appendChild(label);
      [[true, 'yes'], [false, 'no']].forEach(function (pair) {
        var b = document.createElement('button');
        b.type = 'button';
        b.textContent = T[lang][pair[1]];
        b.setAttribute('data-testid', 'chat-feedback-' + pair[1]);
        if (m.helpful === pair[0]) b.setAttribute('aria-pressed', 'true');
        b.addEventListener('click', function () {
          api('POST', '/api/chat/sessions/' + session.id + '/messages/' + m.id + '/feedback', { helpful: pair[0] }).then(function (r) {
            if (r.status !== 200) return;
            rate.querySelectorAll('button').forEach(function (x) { x.setAttribute('aria-pressed', 'false'); });
            b.setAttribute('aria-pressed', 'true');
            label.textContent = r.data.text || T[lang].thanks;
          });
        });
        rate.appendChild(b);
      });
      div.appendChild(rate);
    }
  }

  // Live agent (转人工 with a person): the page reads new messages every few seconds while one is involved.
  var lastId = null;
  var live = null;
  var pollTimer = null;
  var liveBar = document.getElementById('live');
  var liveText = document.getElementById('live-text');
  var liveLeave = document.getElementById('live-leave');
  function seen(m) { if (m && m.id && (lastId === null || Number(m.id) > Number(lastId))) lastId = m.id; }
  function isLive() { return live && (live.state === 'waiting' || live.state === 'connected'); }
  function showLive(next) {
    live = next || null;
    if (!isLive()) { liveBar.hidden = true; if (pollTimer) { clearInterval(pollTimer); pollTimer = null; } return; }
    liveBar.hidden = false;
    liveBar.setAttribute('data-state', live.state);
    liveText.textContent = live.state === 'waiting' ? T[lang].waiting : T[lang].connected.replace('{agent}', live.agentName || '');
    liveLeave.textContent = live.state === 'waiting' ? T[lang].leaveWait : T[lang].leaveTalk;
    if (!pollTimer) pollTimer = setInterval(poll, 2000);
  }
  var polling = false;
  function poll() {
    if (!session || polling) return;
    polling = true;
    api('GET', '/api/chat/sessions/' + session.id + (lastId ? '?after=' + lastId : '')).then(function (r) {
      if (r.status !== 200) return;
      // The citizen's own messages are already on the page.
      r.data.messages.forEach(function (m) { if (m.role !== 'user') render(m); else seen(m); });
      showLive(r.data.live);
    }).then(function () { polling = false; }, function () { polling = false; });
  }
  function offerWait(div) {
    var row = document.createElement('div');
    row.className = 'offer';
    var note = document.createElement('div');
    note.textContent = T[lang].offer;
    var b = document.createElement('button');
    b.type = 'button';
    b.textContent = T[lang].wait;
    b.setAttribute('data-testid', 'chat-live-wait');
    b.addEventListener('click', function () {
      b.disabled = true;
      api('POST', '/api/chat/sessions/' + session.id + '/live').then(function (r) {
        if (r.status !== 200) { showError(r); b.disabled = false; return; }
        r.data.messages.forEach(render);
        showLive(r.data.live);
      }, function () { showError(null); b.disabled = false; });
    });
    row.appendChild(note);
    row.appendChild(b);
    div.appendChild(row);
  }
  liveLeave.addEventListener('click', function () {
    api('POST', '/api/chat/sessions/' + session.id + '/live/leave').then(function (r) {
      if (r.status !== 200) { showError(r); return; }
      r.data.messages.forEach(render);
      showLive(r.data.live);
    }, function () { showError(null); });
  });

  function render(m) {
    seen(m);
    if (m.role === 'user') bubble('user', m.text);
    else if (m.role === 'agent') {
      var div = bubble('agent', '', m);
      var who = document.createElement('span');
      who.className = 'who';
      who.textContent = T[lang].agentLabel;
      div.appendChild(who);
      div.appendChild(document.createTextNode(m.text));
    } else renderBot(m);
  }

  function showError(r) {
    var text = (r && r.data && r.data.error && r.data.error.message) || T[lang].network;
    bubble('error', text, { kind: 'error' });
  }

  function start() {
    var saved = store.get();
    if (saved) {
      session = saved;
      return api('GET', '/api/chat/sessions/' + saved.id).then(function (r) {
        if (r.status === 200) { r.data.messages.forEach(render); showLive(r.data.live); return; }
        session = null; store.clear(); return start();
      });
    }
    return api('POST', '/api/chat/sessions', { language: lang }).then(function (r) {
      if (r.status !== 201) { showError(r); return; }
      session = { id: r.data.sessionId, token: r.data.token };
      store.set(session);
      r.data.messages.forEach(render);
    });
  }

  var busy = false;
  function send(text) {
    if (busy || !session) return;
    busy = true; sendButton.disabled = true;
    if (text.trim()) bubble('user', text);
    api('POST', '/api/chat/sessions/' + session.id + '/messages', { text: text }).then(function (r) {
      if (r.status === 200) {
        r.data.messages.forEach(render);
        if (r.data.liveAgent && r.data.liveAgent.available) {
          var last = list.lastElementChild;
          if (last) offerWait(last);
        }
        if (r.data.live) showLive(r.data.live);
      } else showError(r);
    }, function () { showError(null); }).then(function () { busy = false; sendButton.disabled = false; input.focus(); });
  }

  document.getElementById('form').addEventListener('submit', function (e) {
    e.preventDefault();
    var text = input.value;
    input.value = '';
    send(text);
  });
  input.addEventListener('keydown', function (e) {
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) { e.preventDefault(); document.getElementById('form').requestSubmit(); }
  });
  agentButton.addEventListener('click', function () { send(T[lang].agentText); });
  document.getElementById('lang').addEventListener('click', function () { lang = lang === 'en' ? 'zh-CN' : 'en'; applyLanguage(); });

  applyLanguage();
  start().then(function () { document.body.setAttribute('data-ready', 'true'); }, function () { showError(null); });
})();
`;

const WIDGET_JS = String.raw`/* 12345 chat widget: <script src="…/widget.js" data-lang="zh-CN" async></script> */
(function () {
  'use strict';
  var script = document.currentScript;
  if (!script || window.__hotlineChatWidget) return;
  window.__hotlineChatWidget = true;
  var base = new URL(script.src, location.href).origin;
  var lang = script.getAttribute('data-lang') || '';
  var label = lang.toLowerCase().indexOf('en') === 0 ? 'Online help' : '在线咨询';
  var button = document.createElement('button');
  button.type = 'button';
  button.textContent = label;
  button.setAttribute('data-testid', 'hotline-widget-button');
  button.setAttribute('style', 'position:fixed;right:20px;bottom:20px;z-index:2147483000;background:#c8102e;color:#fff;border:0;border-radius:22px;padding:10px 18px;font:15px sans-serif;box-shadow:0 2px 8px rgba(0,0,0,.25);cursor:pointer');
  var frame = null;
  button.addEventListener('click', function () {
    if (frame) { frame.style.display = frame.style.display === 'none' ? 'block' : 'none'; return; }
    frame = document.createElement('iframe');
    frame.src = base + '/chat?embed=1' + (lang ? '&lang=' + encodeURIComponent(lang) : '');
    frame.title = label;
    frame.setAttribute('data-testid', 'hotline-widget-frame');
    frame.setAttribute('style', 'position:fixed;right:20px;bottom:72px;z-index:2147483000;width:min(380px,calc(100vw - 40px));height:min(560px,calc(100vh - 100px));border:1px solid #e5e6eb;border-radius:10px;background:#fff;box-shadow:0 4px 16px rgba(0,0,0,.2)');
    document.body.appendChild(frame);
  });
  (document.body || document.documentElement).appendChild(button);
})();
`;
