/** Every call the server answers, by the catalogue's call name. */
import type { HandlerTable } from './context.js';
import * as conversations from './conversations.js';
import * as files from './files.js';
import { friendsList, notification } from './friends.js';
import * as messages from './messages.js';
import { availability, login, setAvailabilityState, workspaceRegister } from './session.js';

export const HANDLERS: HandlerTable = {
  login,
  availability,
  setAvailability: setAvailabilityState,
  workspaceRegister,
  friendsList,
  notification,
  conversationList: conversations.conversationList,
  favorite: conversations.favorite,
  unfavorite: conversations.unfavorite,
  mute: conversations.mute,
  unmute: conversations.unmute,
  hide: conversations.hide,
  unhide: conversations.unhide,
  setColor: conversations.setColor,
  blocklist: conversations.blocklist,
  create: conversations.create,
  add: messages.add,
  clear: messages.clear,
  download: messages.download,
  downloadPartial: messages.downloadPartial,
  viewedReport: messages.viewedReport,
  fileBegin: files.fileBegin,
  fileChunk: files.fileChunk,
  fileFinish: files.fileFinish,
  fileCancel: files.fileCancel,
  fileDownload: files.fileDownload,
};
