export { accountKey, normalizeServerUrl, type AccountRef } from './account.js';
export { MemoryBackend } from './memory-backend.js';
export { describeKeychainError, KEYCHAIN_SERVICE, loadKeytarBackend, type KeytarLoadOptions, type SecretBackend } from './secret-backend.js';
export { Vault, type VaultOpenOptions, type VaultSecrets } from './vault.js';
