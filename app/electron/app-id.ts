/**
 * The app's identity to the OS: Windows groups windows and shows notifications by it, and it must
 * equal `appId` in electron-builder.yml (startup.test.ts reads the file to check).
 */
export const APP_ID = 'chat.ozeki.desktop';
