import { expect } from 'chai';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser } from '../support/browser.ts';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';

describe('citizen chat page and widget in a browser', function () {
  this.timeout(90_000);
  let platform: TestPlatform;
  let browser: Browser;

  before(async function () {
    browser = await launchBrowser(this);
    platform = await startTestPlatform();
  });
  after(async () => {
    await browser?.close();
    await platform?.stop();
  });

  async function send(page: Page, text: string) {
    const before = await page.locator('[data-role="bot"]').count();
    await page.getByTestId('chat-input').fill(text);
    await page.getByTestId('chat-send').click();
    await page.waitForFunction((n) => document.querySelectorAll('[data-role="bot"]').length > n, before);
    return page.locator('[data-role="bot"]').last();
  }

  it('asks, chooses, rates, and shows hostile text as text', async () => {
    const context = await browser.newContext({ locale: 'zh-CN' });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(e.message));
    page.on('dialog', (d) => {
      problems.push(`dialog: ${d.message()}`);
      void d.dismiss();
    });
    try {
      await page.goto(`${platform.url}/chat`);
      await page.waitForSelector('body[data-ready="true"]');
      expect(await page.locator('[data-role="bot"]').first().textContent()).to.include('12345 智能客服');

      const answer = await send(page, '住房公积金怎么提取');
      expect(await answer.getAttribute('data-kind')).to.equal('answer');
      expect(await answer.textContent()).to.include('提取住房公积金');
      await answer.getByTestId('chat-feedback-no').click();
      await page.waitForFunction(() => document.querySelector('[data-testid="chat-feedback-no"]')?.getAttribute('aria-pressed') === 'true');
      const gaps = await platform.ctx.db.selectFrom('kb_gaps').select(['reason', 'text']).execute();
      expect(gaps).to.deep.include({ reason: 'unhelpful', text: '住房公积金怎么提取' });

      const choices = await send(page, '身份证');
      expect(await choices.getAttribute('data-kind')).to.equal('choices');
      const before = await page.locator('[data-role="bot"]').count();
      await choices.getByTestId('chat-choice-2').click();
      await page.waitForFunction((n) => document.querySelectorAll('[data-role="bot"]').length > n, before);
      expect(await page.locator('[data-role="bot"]').last().getAttribute('data-kind')).to.equal('answer');

      const hostile = '<img src=x onerror="alert(1)"><script>alert(2)</script>';
      await send(page, hostile);
      expect(await page.locator('#messages img, #messages script').count()).to.equal(0);
      expect(await page.locator('[data-role="user"]').last().textContent()).to.equal(hostile);

      // The conversation survives a reload (same tab).
      await page.reload();
      await page.waitForSelector('body[data-ready="true"]');
      expect(await page.locator('[data-role="user"]').count()).to.equal(4); // the choice "2" is a message too

      // 转人工 button and the English switch.
      await page.getByTestId('chat-language').click();
      expect(await page.getByTestId('chat-send').textContent()).to.equal('Send');
      const before2 = await page.locator('[data-role="bot"]').count();
      await page.getByTestId('chat-agent').click();
      await page.waitForFunction((n) => document.querySelectorAll('[data-role="bot"]').length > n, before2);
      expect(await page.locator('[data-role="bot"]').last().getAttribute('data-kind')).to.equal('request_prompt');
      expect(problems).to.deep.equal([]);
    } finally {
      await context.close();
    }
  });

  it('a described situation: the one entry that fits is asked about, and clicking it answers', async () => {
    const context = await browser.newContext({ locale: 'zh-CN' });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(e.message));
    try {
      await page.goto(`${platform.url}/chat`);
      await page.waitForSelector('body[data-ready="true"]');
      const asked = await send(page, '楼下烧烤店的油烟天天往我家飘，窗户都不敢开');
      expect(await asked.getAttribute('data-kind')).to.equal('choices');
      expect(await asked.textContent()).to.include('您是想问“店铺油烟扰民怎么办？”吗？');
      expect(await asked.getByTestId('chat-choice-2').count()).to.equal(0);
      const before = await page.locator('[data-role="bot"]').count();
      await asked.getByTestId('chat-choice-1').click();
      await page.waitForFunction((n) => document.querySelectorAll('[data-role="bot"]').length > n, before);
      const answer = page.locator('[data-role="bot"]').last();
      expect(await answer.getAttribute('data-kind')).to.equal('answer');
      expect(await answer.textContent()).to.include('说明店铺名称和地址');
      expect(problems).to.deep.equal([]);
    } finally {
      await context.close();
    }
  });

  it('the widget script adds a button that opens the chat in a frame on another site', async () => {
    const context = await browser.newContext({ locale: 'en-US' });
    const page = await context.newPage();
    try {
      // A city's page on another origin (about:blank here) with the one script tag.
      await page.setContent(`<html><body><h1>City portal</h1><script src="${platform.url}/widget.js" data-lang="en"></script></body></html>`);
      await page.getByTestId('hotline-widget-button').click();
      const frame = page.frameLocator('[data-testid="hotline-widget-frame"]');
      await frame.locator('body[data-ready="true"]').waitFor();
      await frame.getByTestId('chat-input').fill('How can I pay my water bill?');
      await frame.getByTestId('chat-send').click();
      await frame.locator('[data-role="bot"][data-kind="answer"]').waitFor();
      expect(await frame.locator('[data-role="bot"][data-kind="answer"]').textContent()).to.include('水费');
      const csp = (await fetch(`${platform.url}/chat`)).headers.get('content-security-policy');
      expect(csp).to.include("script-src 'nonce-");
    } finally {
      await context.close();
    }
  });
});
