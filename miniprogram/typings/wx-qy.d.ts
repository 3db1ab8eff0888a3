// Types for the WeCom mini-program client API (`wx.qy.*`) that the shell
// wraps. miniprogram-api-typings has none. Shapes follow WeCom's client API
// documentation (https://developer.work.weixin.qq.com/document/path/N):
//   login 92388, checkSession 96960, getContext (and the entry values) 94332,
//   getCurExternalContact 96995 and 97014, getCurExternalChat 96996,
//   getCurCorpGroupContact / getCurCorpGroupChat 97020, 98426, 98427,
//   selectExternalContact 93867, openUserProfile 93567,
//   openEnterpriseChat 96967, sendChatMessage 93863 and 98539,
//   shareToExternalContact 96997, wx.qy.getSystemInfo 95046.
// The errMsg forms seen in the field are listed and classified in src/wecom/outcome.rs.

declare namespace WxQy {
  /** errMsg is "<api>:ok" or "<api>:fail <reason>"; some results add errCode. */
  interface Result {
    errMsg: string;
    errCode?: number;
  }

  interface Callbacks<T extends Result = Result> {
    success?: (res: T) => void;
    fail?: (res: Result) => void;
    complete?: (res: T | Result) => void;
  }

  type Entry =
    | 'contact_profile'
    | 'single_chat_tools'
    | 'group_chat_tools'
    | 'normal'
    | 'chat_attachment'
    | 'single_kf_tools'
    | 'chain_single_chat_tools'
    | 'chain_group_chat_tools'
    | 'internal_group_chat_board'
    // Newer clients may report values this list does not know.
    | (string & {});

  interface LoginResult extends Result {
    /** Valid for 5 minutes; the backend exchanges it (jscode2session). */
    code: string;
  }
  interface CheckSessionResult extends Result {
    expireIn?: number;
  }
  interface SystemInfoResult extends Result {
    /** The WeCom client version, e.g. "4.1.36". */
    version: string;
  }
  interface ContextResult extends Result {
    entry: Entry;
    shareTicket?: string;
  }
  interface CurExternalContactResult extends Result {
    userId: string;
  }
  interface CurCorpGroupContactResult extends Result {
    corpId: string;
    userId: string;
  }
  interface CurCorpGroupChatResult extends Result {
    chatId: string;
  }
  interface CurExternalChatResult extends Result {
    chatId: string;
  }
  interface SelectExternalContactResult extends Result {
    userIds: string[];
  }
  interface OpenEnterpriseChatResult extends Result {
    /** From client 3.0.36. */
    chatId?: string;
  }

  interface SelectExternalContactOptions extends Callbacks<SelectExternalContactResult> {
    /** 0 = all, 1 = only those not chosen before. */
    filterType?: 0 | 1;
  }
  interface OpenUserProfileOptions extends Callbacks {
    /** 1 = member, 2 = external contact. */
    type: 1 | 2;
    userid: string;
  }
  interface OpenEnterpriseChatOptions extends Callbacks<OpenEnterpriseChatResult> {
    /** Member userids joined by ';'. */
    userIds?: string;
    /** External userids joined by ';'. A chat with WeChat users holds at most 40 people. */
    externalUserIds?: string;
    groupName?: string;
    chatId?: string;
  }

  interface TextMessage {
    msgtype: 'text';
    text: { content: string };
  }
  interface NewsMessage {
    msgtype: 'news';
    news: { link: string; title: string; desc?: string; imgUrl?: string };
  }
  interface MiniprogramMessage {
    msgtype: 'miniprogram';
    /** `page` must end in ".html". */
    miniprogram: { appid: string; title: string; imgUrl: string; page: string };
  }
  interface ImageMessage {
    msgtype: 'image';
    image: { mediaid: string };
  }
  interface VideoMessage {
    msgtype: 'video';
    video: { mediaid: string };
  }
  interface FileMessage {
    msgtype: 'file';
    file: { mediaid: string };
  }
  type ChatMessage = TextMessage | NewsMessage | MiniprogramMessage | ImageMessage | VideoMessage | FileMessage;
  type SendChatMessageOptions = ChatMessage & Callbacks & { enterChat?: boolean };

  interface ShareToExternalContactOptions extends Callbacks {
    /** At most 4000 characters. */
    text?: { content: string };
    /** At most 9. */
    attachments?: Array<Record<string, unknown>>;
  }

  interface Api {
    login(options?: Callbacks<LoginResult> & { timeout?: number }): void;
    checkSession(options?: Callbacks<CheckSessionResult>): void;
    getSystemInfo(options?: Callbacks<SystemInfoResult>): void;
    getContext(options?: Callbacks<ContextResult>): void;
    getCurExternalContact(options?: Callbacks<CurExternalContactResult>): void;
    getCurExternalChat(options?: Callbacks<CurExternalChatResult>): void;
    /** 上下游 chat toolbar (chain_single_chat_tools), 4.0.8: a member of a partner corp, not a customer. */
    getCurCorpGroupContact(options?: Callbacks<CurCorpGroupContactResult>): void;
    /** 上下游 group chat toolbar (chain_group_chat_tools): the 互联群's id. */
    getCurCorpGroupChat(options?: Callbacks<CurCorpGroupChatResult>): void;
    selectExternalContact(options?: SelectExternalContactOptions): void;
    openUserProfile(options: OpenUserProfileOptions): void;
    openEnterpriseChat(options: OpenEnterpriseChatOptions): void;
    sendChatMessage(options: SendChatMessageOptions): void;
    shareToExternalContact(options: ShareToExternalContactOptions): void;
  }
}

declare namespace WechatMiniprogram {
  interface Wx {
    /** Present only inside WeCom; methods exist only on clients that have them. */
    qy?: Partial<WxQy.Api>;
  }
  interface SystemInfo {
    /** "wxwork" inside WeCom (sometimes missing); absent in WeChat. */
    environment?: 'wxwork';
  }
}

/** Present from base library 2.13.0; absent on older clients. */
declare const WXWebAssembly:
  | {
      /** Resolves { instance, module } (some clients: the instance). */
      instantiate(path: string, imports?: object): Promise<any>;
    }
  | undefined;

/** Missing on real devices; the shell polyfills them (shell/text-codec.js). */
declare const TextEncoder: any;
declare const TextDecoder: any;
