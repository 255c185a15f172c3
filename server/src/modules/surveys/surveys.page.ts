/**
 * The citizen's survey page (`/survey/:token`), the link in the survey SMS: plain HTML and JavaScript served
 * by the platform (a phone browser, no console bundle), zh-CN with English. It reads the link's status from
 * `GET /api/public/surveys/:token` and posts the one answer to `…/answer`. Text from the server is set with
 * textContent, and the Content-Security-Policy allows only the page's own nonce'd script and style.
 */
import { randomBytes } from 'node:crypto';
import type { Response } from 'express';

export function surveyPage(res: Response): void {
  const nonce = randomBytes(16).toString('base64');
  res.setHeader(
    'Content-Security-Policy',
    `default-src 'none'; script-src 'nonce-${nonce}'; style-src 'nonce-${nonce}'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`,
  );
  // The token is in the URL: never send it on as a referrer, never cache the page.
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('Cache-Control', 'no-store');
  res.status(200).type('html').send(html(nonce));
}

function html(nonce: string): string {
  return `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>12345 回访评价</title>
<style nonce="${nonce}">
  * { box-sizing: border-box; }
  body { margin: 0; font: 16px/1.6 -apple-system, "PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", sans-serif; background: #f5f7fa; color: #1f2329; }
  header { background: #c8102e; color: #fff; padding: 12px 16px; display: flex; justify-content: space-between; align-items: center; }
  header h1 { font-size: 18px; margin: 0; }
  header button { background: transparent; color: #fff; border: 1px solid rgba(255,255,255,.6); border-radius: 4px; padding: 2px 8px; }
  main { max-width: 520px; margin: 0 auto; padding: 16px; }
  .card { background: #fff; border-radius: 8px; padding: 16px; border: 1px solid #e5e6eb; }
  .ticket { color: #4e5969; font-size: 14px; margin-bottom: 12px; }
  .choices { display: grid; gap: 10px; margin: 12px 0; }
  .choices button { font: inherit; padding: 12px; border-radius: 8px; border: 1px solid #c9cdd4; background: #fff; text-align: left; }
  .choices button[aria-pressed="true"] { border-color: #1677ff; background: #e6f4ff; }
  textarea { width: 100%; min-height: 80px; font: inherit; padding: 8px; border: 1px solid #c9cdd4; border-radius: 6px; }
  #submit { width: 100%; margin-top: 12px; font: inherit; padding: 10px; border: 0; border-radius: 8px; background: #1677ff; color: #fff; }
  #submit:disabled { opacity: .5; }
  .message { padding: 12px; border-radius: 8px; margin-top: 12px; }
  .ok { background: #f6ffed; border: 1px solid #b7eb8f; }
  .error { background: #fff2f0; border: 1px solid #ffccc7; color: #a8071a; }
  [hidden] { display: none !important; }
</style>
</head>
<body>
<header><h1 data-i18n="title">12345 回访评价</h1><button type="button" id="lang">English</button></header>
<main>
  <div class="card">
    <div class="ticket" id="ticket" data-testid="survey-ticket"></div>
    <form id="form" hidden>
      <div data-i18n="question">您对这次诉求的办理结果是否满意？</div>
      <div class="choices" role="group">
        <button type="button" data-result="satisfied" data-testid="survey-satisfied" data-i18n="satisfied">满意</button>
        <button type="button" data-result="basically_satisfied" data-testid="survey-basically" data-i18n="basically_satisfied">基本满意</button>
        <button type="button" data-result="unsatisfied" data-testid="survey-unsatisfied" data-i18n="unsatisfied">不满意</button>
        <button type="button" data-result="declined" data-testid="survey-declined" data-i18n="declined">不想评价</button>
      </div>
      <label><span data-i18n="comment">意见或建议（可选）</span><textarea id="comment" maxlength="500" data-testid="survey-comment"></textarea></label>
      <button type="submit" id="submit" disabled data-testid="survey-submit" data-i18n="submit">提交评价</button>
    </form>
    <div id="message" class="message" hidden data-testid="survey-message" role="status"></div>
  </div>
</main>
<script nonce="${nonce}">${PAGE_JS}</script>
</body>
</html>`;
}

const PAGE_JS = String.raw`
(function () {
  'use strict';
  var texts = {
    'zh-CN': { title: '12345 回访评价', question: '您对这次诉求的办理结果是否满意？', satisfied: '满意', basically_satisfied: '基本满意', unsatisfied: '不满意', declined: '不想评价',
      comment: '意见或建议（可选）', submit: '提交评价', ticket: '工单号', thanks: '感谢您的评价！', thanksUnsatisfied: '感谢您的反馈，我们将督促承办单位重新核实办理。',
      answered: '该链接已评价过，每个链接只能评价一次。', expired: '该评价链接已过期。如有疑问请拨打12345。', invalid: '评价链接无效。', failed: '提交失败，请稍后重试。', other: 'English' },
    en: { title: '12345 follow-up survey', question: 'Are you satisfied with how your request was handled?', satisfied: 'Satisfied', basically_satisfied: 'Basically satisfied', unsatisfied: 'Not satisfied', declined: 'I would rather not say',
      comment: 'Comments (optional)', submit: 'Send', ticket: 'Ticket', thanks: 'Thank you for your answer!', thanksUnsatisfied: 'Thank you. We will ask the department to look into it again.',
      answered: 'This link has already been used; each link takes one answer.', expired: 'This survey link has expired. Call 12345 with any questions.', invalid: 'This survey link is not valid.', failed: 'Could not send; please try again later.', other: '中文' }
  };
  var lang = /^en/i.test(navigator.language || '') ? 'en' : 'zh-CN';
  var token = location.pathname.split('/').filter(Boolean).pop() || '';
  var api = '/api/public/surveys/' + encodeURIComponent(token);
  var chosen = null, info = null;
  var $ = function (id) { return document.getElementById(id); };
  function t(key) { return texts[lang][key]; }
  function applyLanguage() {
    document.documentElement.lang = lang;
    document.querySelectorAll('[data-i18n]').forEach(function (el) { el.textContent = t(el.getAttribute('data-i18n')); });
    $('lang').textContent = t('other');
    document.title = t('title');
    if (info) $('ticket').textContent = t('ticket') + ' ' + info.number + ' · ' + info.title;
  }
  function show(kind, key) {
    var m = $('message');
    m.hidden = false; m.className = 'message ' + kind; m.textContent = t(key); m.setAttribute('data-state', key);
  }
  $('lang').addEventListener('click', function () { lang = lang === 'en' ? 'zh-CN' : 'en'; applyLanguage(); });
  document.querySelectorAll('[data-result]').forEach(function (b) {
    b.addEventListener('click', function () {
      chosen = b.getAttribute('data-result');
      document.querySelectorAll('[data-result]').forEach(function (x) { x.setAttribute('aria-pressed', String(x === b)); });
      $('submit').disabled = false;
    });
  });
  $('form').addEventListener('submit', function (e) {
    e.preventDefault();
    if (!chosen) return;
    $('submit').disabled = true;
    var comment = $('comment').value.trim();
    fetch(api + '/answer', { method: 'POST', headers: { 'content-type': 'application/json', 'accept-language': lang }, body: JSON.stringify(comment ? { result: chosen, comment: comment } : { result: chosen }) })
      .then(function (r) { return r.json().catch(function () { return {}; }).then(function (body) { return { status: r.status, body: body }; }); })
      .then(function (r) {
        if (r.status === 200) { $('form').hidden = true; show('ok', chosen === 'unsatisfied' ? 'thanksUnsatisfied' : 'thanks'); return; }
        var reason = r.body && r.body.error && r.body.error.details && r.body.error.details.reason;
        $('form').hidden = true;
        show('error', reason === 'used' ? 'answered' : reason === 'expired' ? 'expired' : r.status === 404 ? 'invalid' : 'failed');
        if (!reason && r.status !== 404) { $('form').hidden = false; $('submit').disabled = false; }
      })
      .catch(function () { show('error', 'failed'); $('submit').disabled = false; });
  });
  applyLanguage();
  fetch(api, { headers: { 'accept-language': lang } })
    .then(function (r) { return r.json().then(function (body) { return { status: r.status, body: body }; }); })
    .then(function (r) {
      if (r.status !== 200) return show('error', 'invalid');
      info = r.body; applyLanguage();
      if (info.status === 'open') $('form').hidden = false;
      else show('error', info.status === 'answered' ? 'answered' : 'expired');
    })
    .catch(function () { show('error', 'failed'); });
})();
`;
