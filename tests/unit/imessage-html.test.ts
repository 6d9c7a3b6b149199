// imessage-exporter HTML: the exporter's demo page from the shared corpus (read in place) and
// synthetic markup for the variants the demo lacks (newer timestamp links, broken tags, entities).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ImportError } from '../../src/lib/ingest/errors';
import { parseImessageHtml } from '../../src/lib/ingest/imessage/index';
import { decodeEntities, scanHtml } from '../../src/lib/ingest/imessage/html-scan';
import { parseExport } from '../../src/lib/ingest/index';
import { summarize } from '../../src/lib/ingest/export-summary';
import { pick, assertFailsOnlyWithImportError } from './ingest-helpers';

const SHARED = fileURLToPath(new URL('../fixtures/exports/', import.meta.url));
const DEMO = `${SHARED}imessage/imessage-exporter-html/imessage-exporter__example.html`;

describe('imessage-exporter HTML demo page', () => {
  const html = readFileSync(DEMO, 'utf8');
  const result = parseImessageHtml(html, 'imessage-exporter__example.html');

  it('reads every message, reply and announcement in document order', () => {
    expect(pick(result)).toEqual([
      {
        ts: '2022-07-17T17:04:04',
        author: 'Me',
        kind: 'message',
        text: 'iMessage Data Exporter\nHey, did you see that new iMessage Rust project? You can export your message history to portable formats!',
      },
      {
        ts: '2022-07-17T17:04:05',
        author: 'Me',
        kind: 'message',
        text: 'https://github.com/ReagentX/imessage-exporter\nGitHub\nReagentX/imessage-exporter: Export macOS iMessage data + run iMessage Diagnostics',
      },
      { ts: '2022-07-17T17:04:50', author: null, kind: 'system', text: 'You renamed the conversation to 🦀 iMessage Exporter 🦀' },
      {
        ts: '2022-07-17T17:31:49',
        author: 'steve@icloud.com',
        kind: 'message',
        text: 'No, does it support threads? I have a lot of important messages that I have been meaning to back up.',
      },
      {
        ts: '2022-07-17T17:32:03',
        author: 'Me',
        kind: 'message',
        text: 'Yep! It supports all iMessage features: stickers, reactions, expressives... you name it, you can export it!',
      },
      {
        ts: '2022-07-17T17:35:03',
        author: '+15558675309',
        kind: 'message',
        text: 'Even those pesky HEIC files? Nothing can display those!',
      },
      { ts: '2022-07-17T17:37:53', author: 'Me', kind: 'message', text: 'Yes, even those! They get converted to JPEG.' },
      {
        ts: '2022-07-17T17:40:03',
        author: '+15558675309',
        kind: 'message',
        text: 'What about group chats? Sometimes the iMessage app shows multiple conversations with the same people.',
      },
      {
        ts: '2022-07-17T17:44:25',
        author: 'Me',
        kind: 'message',
        text: 'Yes, this tool will deduplicate both contacts and conversations to ensure messages go to the right place!',
      },
      { ts: '2022-07-17T17:45:03', author: '+15558675309', kind: 'message', text: "That's amazing!", edited: true },
      {
        ts: '2022-07-17T17:47:37',
        author: 'Me',
        kind: 'message',
        text: 'Hang on guys, I have bad service right now. I hope you find this tool useful!',
      },
    ]);
  });

  it('never keeps markup, counts the tapbacks, and gives source lines', () => {
    for (const item of result.items) expect(item.text).not.toMatch(/<\/?[a-z][^>]*>/i);
    expect(result.warnings.join(' ')).toMatch(/Dropped 8 tapback/);
    expect(result.items[0]?.line).toBe(6);
    expect(result.items[2]?.line).toBe(44);
  });

  it('summarizes to the expected counts', () => {
    const s = summarize('demo.html', result);
    expect(s).toMatchObject({
      format: 'imessage-exporter-html',
      messages: 10,
      system: 1,
      media: 0,
      deleted: 0,
      authors: { Me: 6, 'steve@icloud.com': 1, '+15558675309': 3 },
      first: { ts: '2022-07-17T17:04:04', author: 'Me' },
      last: { ts: '2022-07-17T17:47:37', author: 'Me' },
    });
  });

  it('is detected and parsed through parseExport', async () => {
    const r = await parseExport({ name: 'example.html', bytes: new Uint8Array(readFileSync(DEMO)) });
    expect(r.format).toBe('imessage-exporter-html');
    expect(r.items).toHaveLength(11);
    expect(r.chatName).toBe('example');
  });
});

describe('imessage-exporter HTML variants', () => {
  it('reads newer markup: timestamp links, attachments, entities, deleted and unsent parts', () => {
    const html = `<html><head><meta charset="UTF-8"><style>.message { color: red } </style></head><body>
<div class="message"><div class="received">
  <p><span class="timestamp"><a title="Reveal in Messages app" href="sms://open?message-guid=1">Mar 3, 2024  8:05:09 AM</a></span>
  <span class="sender">Zo&euml; &amp; Co</span></p>
  <span class="reply_context">This message responded to an earlier message.</span>
  <hr><div class="message_part"><span class="bubble">Fish &amp; chips &lt;3<br>tonight? &#x1F41F; &quot;yes&quot;</span></div>
  <span class="expressive">Sent with Slam</span>
</div></div>
<div class="message"><div class="sent iMessage">
  <p><span class="timestamp">Mar 3, 2024  8:06:00 AM</span><span class="sender">Me</span></p>
  <hr><div class="message_part"><img src="attachments/1/IMG_0001.jpeg" loading="lazy"></div>
  <hr><div class="message_part"><video controls> <source src="attachments/2/clip.mov" type="video/quicktime"> </video></div>
</div></div>
<div class="message"><div class="sent SMS">
  <p><span class="timestamp">Mar 3, 2024  8:07:00 AM</span><span class="sender">Me</span></p>
  <hr><div class="message_part"><audio controls src="attachments/3/voice.caf" type="audio/x-caf" </audio></div>
</div></div>
<div class="message"><div class="received">
  <p><span class="timestamp">Mar 3, 2024  8:08:00 AM</span><span class="sender">+447700900123</span></p>
  <hr><div class="message_part"><span class="bubble">This message was deleted from the conversation!</span></div>
</div></div>
<div class="message"><div class="received">
  <p><span class="timestamp">Mar 3, 2024  8:09:00 AM</span><span class="sender">+447700900123</span></p>
  <hr><div class="message_part"><a href="file:///Users/me/Library/Messages/Attachments/Menu%20card.pdf">Click to download Menu card.pdf</a></div>
</div></div>
<div class ="announcement"><p><span class="timestamp">Mar 3, 2024  9:00:00 AM</span> Zo&euml; named the conversation <b>Dinner</b></p></div>
</body></html>`;
    const result = parseImessageHtml(html, 'Dinner - 3.html');
    expect(pick(result)).toEqual([
      { ts: '2024-03-03T08:05:09', author: 'Zoë & Co', kind: 'message', text: 'Fish & chips <3\ntonight? 🐟 "yes"' },
      { ts: '2024-03-03T08:06:00', author: 'Me', kind: 'media', text: 'attachments/1/IMG_0001.jpeg\nattachments/2/clip.mov' },
      { ts: '2024-03-03T08:07:00', author: 'Me', kind: 'media', text: 'attachments/3/voice.caf' },
      {
        ts: '2024-03-03T08:08:00',
        author: '+447700900123',
        kind: 'deleted',
        text: 'This message was deleted from the conversation!',
      },
      {
        ts: '2024-03-03T08:09:00',
        author: '+447700900123',
        kind: 'media',
        text: '/Users/me/Library/Messages/Attachments/Menu card.pdf',
      },
      { ts: '2024-03-03T09:00:00', author: null, kind: 'system', text: 'Zoë named the conversation Dinner' },
    ]);
    expect(result.chatName).toBe('Dinner');
  });

  it('attributes sent messages without a sender span to Me', () => {
    const html =
      '<div class="message"><div class="sent iMessage"><p><span class="timestamp">Jan 2, 2021  3:04:05 PM</span></p>' +
      '<hr><div class="message_part"><span class="bubble">no sender here</span></div></div></div>' +
      '<div class="message"><div class="received"><p><span class="timestamp">Jan 2, 2021  3:05:05 PM</span></p>' +
      '<hr><div class="message_part"><span class="bubble">nor here</span></div></div></div>';
    expect(parseImessageHtml(html, 'x.html').items.map((i) => i.author)).toEqual(['Me', 'Unknown']);
  });

  it('survives truncated and garbage markup without throwing anything but ImportError', () => {
    const cut = readFileSync(DEMO, 'utf8').slice(0, 2100);
    const partial = parseImessageHtml(cut, 'cut.html');
    expect(partial.items.length).toBeGreaterThan(0);
    for (const junk of ['<div class="message"><<<>>>', '<div class="message"><p><span class="timestamp">nope', '</div></div>']) {
      expect(() => parseImessageHtml(junk, 'junk.html')).toThrow(ImportError);
    }
  });
});

describe('html scanner', () => {
  it('decodes entities and keeps unknown ones as written', () => {
    expect(decodeEntities('a&amp;b &lt;&gt; &#65;&#x42; &unknown; &nbsp;')).toBe('a&b <> AB &unknown; \u00a0');
  });

  it('reports tags, attributes and raw xmp text', () => {
    const events: string[] = [];
    scanHtml('<p class = "x" data-a=\'1\' checked>t&amp;<xmp><b>&amp;</b></xmp><!-- c --><br/></p>', {
      open: (tag, attrs) => events.push(`open ${tag} ${JSON.stringify([...attrs])}`),
      close: (tag) => events.push(`close ${tag}`),
      text: (text) => events.push(`text ${text}`),
    });
    expect(events).toEqual([
      'open p [["class","x"],["data-a","1"],["checked",""]]',
      'text t&',
      'open xmp []',
      'text <b>&amp;</b>',
      'close xmp',
      'open br []',
      'close br',
      'close p',
    ]);
  });
});

describe('robustness', () => {
  it('random and mutated inputs fail only with ImportError', () => {
    const seed = readFileSync(DEMO, 'utf8');
    assertFailsOnlyWithImportError(seed, (text) => parseImessageHtml(text, 'fuzz.html'));
  });
});
