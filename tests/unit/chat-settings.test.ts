// Reply settings: defaults < persona < conversation per setting, invalid stored values ignored and
// numbers clamped, overrides stored as the difference from what a scope inherits, and the store round trip.
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import { CHAT_SETTING_LIMITS, DEFAULT_CHAT_SETTINGS, cleanChatSettings, overridesFor, resolveChatSettings } from '../../src/lib/persona/chat-settings';
import { createConversation, setConversationSettings, setPersonaChatSettings } from '../../src/lib/store/conversations';
import { PersonaDb } from '../../src/lib/store/db';
import { personaRow } from '../fixtures/store/persona-row';

describe('resolveChatSettings', () => {
  it('uses the built-in defaults when nothing is set', () => {
    const { settings, sources } = resolveChatSettings(undefined, undefined);
    expect(settings).toEqual(DEFAULT_CHAT_SETTINGS);
    expect(new Set(Object.values(sources))).toEqual(new Set(['default']));
  });

  it('lets the persona override the defaults and the conversation override the persona, setting by setting', () => {
    const { settings, sources } = resolveChatSettings({ temperature: 0.3, examples: 4, memory: false }, { temperature: 1.1, maxTokens: 64, voiceAdapter: false });
    expect(settings).toEqual({ temperature: 1.1, topP: DEFAULT_CHAT_SETTINGS.topP, maxTokens: 64, examples: 4, memory: false, matchHabits: true, voiceAdapter: false });
    expect(sources).toEqual({
      temperature: 'conversation',
      topP: 'default',
      maxTokens: 'conversation',
      examples: 'persona',
      memory: 'persona',
      matchHabits: 'default',
      voiceAdapter: 'conversation',
    });
    // A chat switches the persona's voice adapter off (or back on) for itself alone.
    expect(resolveChatSettings({}, {}).settings.voiceAdapter).toBe(true);
    expect(resolveChatSettings({ voiceAdapter: false }, { voiceAdapter: true }).settings.voiceAdapter).toBe(true);
    // A conversation can turn memory back on for itself.
    expect(resolveChatSettings({ memory: false }, { memory: true }).settings.memory).toBe(true);
  });

  it('ignores invalid stored values and clamps numbers into their limits', () => {
    const { settings, sources } = resolveChatSettings(
      { temperature: Number.NaN, topP: '0.5', maxTokens: 100_000, examples: 2.6, memory: 'no', model: 'x' },
      { temperature: -3, topP: Infinity },
    );
    expect(settings.temperature).toBe(CHAT_SETTING_LIMITS.temperature.min);
    expect(settings.topP).toBe(DEFAULT_CHAT_SETTINGS.topP);
    expect(settings.maxTokens).toBe(CHAT_SETTING_LIMITS.maxTokens.max);
    expect(settings.examples).toBe(3);
    expect(settings.memory).toBe(true);
    expect(sources.topP).toBe('default');
    expect(resolveChatSettings(null, 'junk').settings).toEqual(DEFAULT_CHAT_SETTINGS);
    expect(cleanChatSettings({ maxTokens: 100.4, model: 'gone' })).toEqual({ maxTokens: 100 });
  });
});

describe('overridesFor', () => {
  it('treats "match their texting habits" like the other switches: on by default, invalid values ignored, stored only when different', () => {
    expect(DEFAULT_CHAT_SETTINGS.matchHabits).toBe(true);
    expect(resolveChatSettings({ matchHabits: 'no' }).settings.matchHabits).toBe(true);
    expect(resolveChatSettings({ matchHabits: false }, { matchHabits: true }).sources.matchHabits).toBe('conversation');
    const inherited = resolveChatSettings().settings;
    expect(overridesFor({ ...inherited, matchHabits: false }, inherited)).toEqual({ matchHabits: false });
    expect(overridesFor({ ...inherited }, inherited)).toEqual({});
  });

  it('keeps only what differs from the inherited settings', () => {
    const inherited = resolveChatSettings({ temperature: 0.5 }).settings;
    expect(overridesFor({ ...inherited, temperature: 0.5, maxTokens: 128, memory: false }, inherited)).toEqual({ maxTokens: 128, memory: false });
    expect(overridesFor(inherited, inherited)).toEqual({});
    // The stored overrides resolve back to what was asked for.
    const wanted = { ...inherited, topP: 0.7, examples: 0 };
    expect(resolveChatSettings({ temperature: 0.5 }, overridesFor(wanted, inherited)).settings).toEqual(wanted);
  });
});

describe('reply settings in the store', () => {
  it('stores persona defaults and conversation overrides cleaned', async () => {
    const db = new PersonaDb({ indexedDB: new IDBFactory(), IDBKeyRange });
    await db.personas.add(personaRow('p-1', { personName: 'p' }));
    const c = await createConversation(db, 'p-1', 'Chat', 5);
    await setPersonaChatSettings(db, 'p-1', { temperature: 0.4, examples: 99 });
    await setConversationSettings(db, c.id, { memory: false });
    const persona = await db.personas.get('p-1');
    const conversation = await db.conversations.get(c.id);
    expect(persona?.chatSettings).toEqual({ temperature: 0.4, examples: CHAT_SETTING_LIMITS.examples.max });
    // Settings are not activity: neither row's updatedAt moves.
    expect(persona?.updatedAt).toBe(1);
    expect(conversation?.updatedAt).toBe(5);
    expect(resolveChatSettings(persona?.chatSettings, conversation?.settings).settings).toEqual({
      ...DEFAULT_CHAT_SETTINGS,
      temperature: 0.4,
      examples: 16,
      memory: false,
    });
  });
});
