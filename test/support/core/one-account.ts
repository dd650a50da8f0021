/**
 * A lone ChatService as the desktop controller's accounts registry of one account, for tests that
 * drive the controller on one real service (the registry itself has tests of its own).
 */
import type { ChatService } from '../../../app/core/chat-service.js';
import type { DesktopService } from '../../../app/core/desktop/desktop-controller.js';
import type { SettingsStore } from '../../../app/core/settings/settings.js';

export const ONE_ACCOUNT_ID = '0123456789abcdef';

/** `onSettingsChanged` hears the settings store's changes, as the registry's does (tests pass the store the controller reads). */
export function oneAccount(service: ChatService, email = 'someone@example.test', settings?: Pick<SettingsStore, 'onChange'>): DesktopService {
  return {
    onSettingsChanged: (listener) => settings?.onChange(() => listener()) ?? (() => {}),
    onAccountEvent: (listener) => service.on((event, payload) => listener(ONE_ACCOUNT_ID, event, payload)),
    onAccountSignal: (listener) => service.onSignal((signal) => listener(ONE_ACCOUNT_ID, signal)),
    list: () => [{ id: ONE_ACCOUNT_ID, email, service }],
    activeAccountId: ONE_ACCOUNT_ID,
    get availability() {
      return service.availability;
    },
    get openConversationId() {
      return service.openConversationId;
    },
    openConversation: (_accountId, conversationId) => service.openConversation(conversationId),
    setAvailability: (availability) => service.setAvailability(availability),
    syncNow: () => service.syncNow(),
  };
}
