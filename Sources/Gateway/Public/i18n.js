// Skygate dashboard: the message catalogue (one object per language, the same keys in each) and the little that
// uses it: t(key, params), the page's language, and the translation of the static page (data-i18n attributes).
// Names of grids, cameras, places and devices, and IDs, are data: they are shown as they are, never translated.
"use strict";

const messages = {
  en: {
    "app.name": "Skygate",
    "app.title": "Skygate",
    "language.label": "Language",
    "list.separator": ", ",

    "nav.overview": "Overview",
    "nav.availability": "Availability",
    "nav.devices": "Devices",
    "nav.signOut": "Sign out",
    "who": "{name} ({role})",
    "role.viewer": "viewer",
    "role.operator": "operator",
    "role.admin": "admin",

    "signIn.heading": "Sign in",
    "signIn.helpBefore": "Paste an API token (from",
    "signIn.helpAfter": ", or the admin token the first start printed). It is kept in this tab only.",
    "signIn.token": "API token",
    "signIn.tokenPlaceholder": "sgt_…",
    "signIn.submit": "Sign in",
    "signIn.refused": "The token was refused.",
    "signIn.refusedAgain": "The token was refused; sign in again.",

    "overview.map": "Map",
    "overview.mapLabel": "Grids, key locations and cameras",
    "overview.liveEvents": "Live events",
    "overview.cameras": "Cameras",
    "overview.pictures": "pictures",
    "overview.serviceState": "service {service} · {cameras} cameras · {streaming} streaming",
    "overview.error": "({message})",
    "legend.keyLocation": "key location",
    "feed.live": "(live)",
    "feed.reconnecting": "(reconnecting…)",
    "map.location": "{name} ({category})",
    "map.lastVisit": "last visit {time}: {outcome}",
    "map.notVisited": "not visited yet",

    "column.camera": "Camera",
    "column.grid": "Grid",
    "column.state": "State",
    "column.bitrate": "kbit/s",
    "column.frameRate": "fps",
    "column.lastKeyframe": "Last keyframe",
    "column.openFaults": "Open faults",
    "column.name": "Name",
    "column.cameras": "Cameras",
    "column.online": "Online %",
    "column.faultFree": "Fault-free %",
    "column.faults": "Faults",
    "column.device": "Device",
    "column.address": "Address",
    "column.lastKeepalive": "Last keepalive",
    "column.version": "Version",
    "column.deviceInfo": "Make, model, firmware",
    "column.deviceClock": "Clock, s",
    "devices.clockTitle": "Seconds the device's clock is ahead of the gateway's (negative: behind), from its DeviceStatus answer at {time}",
    "column.channels": "Channels",

    // A camera's state as its worker reports it, and the dashboard's own states.
    "state.streaming": "streaming",
    "state.connecting": "connecting",
    "state.stalled": "stalled",
    "state.offline": "offline",
    "state.stopped": "stopped",
    "state.disabled": "disabled",
    "mode.patrol": "patrol (not recorded)",
    "mode.off": "off",
    "state.fault": "picture fault",
    "state.idle": "not recorded",
    "state.notRunning": "not running",

    // Why a camera is not streaming (HealthReason), and why a stretch of the timeline was not recorded.
    "reason.refused": "connection refused",
    "reason.timeout": "timed out",
    "reason.unauthorised": "credentials refused",
    "reason.notFound": "no such stream",
    "reason.noVideoStream": "no video in the stream",
    "reason.refusedURL": "URL not allowed",
    "reason.ended": "stream ended",
    "reason.readError": "read error",
    "reason.noData": "no data",
    "reason.recordingFailed": "recording failed",
    "reason.not recorded": "not recorded",

    // The service as its published status tells (ServiceReport.State).
    "service.running": "running",
    "service.stopped": "stopped",
    "service.not running": "not running",
    "service.never started": "never started",

    // Event kinds (EventKind) and what happened to an event.
    "kind.offline": "offline",
    "kind.stalled": "stalled",
    "kind.stream_degraded": "stream degraded",
    "kind.long_gop": "long GOP",
    "kind.frame_rate_shortfall": "frame rate below declared",
    "kind.clock_offset": "camera clock off",
    "kind.signal_loss": "signal loss (no video)",
    "kind.corruption": "picture corruption",
    "kind.too_dark": "too dark",
    "kind.too_bright": "too bright",
    "kind.low_contrast": "low contrast (fog)",
    "kind.occlusion": "occlusion",
    "kind.frozen": "frozen",
    "kind.blur": "blur",
    "kind.noise": "noise (snow)",
    "kind.stripes": "stripes",
    "kind.colour_cast": "colour cast",
    "kind.ir_cut": "IR-cut stuck",
    "kind.camera_moved": "camera moved",
    "kind.sensor_alarm": "sensor alarm",
    "kind.device_alarm": "device alarm",
    "event.raised": "{kind} raised",
    "event.cleared": "{kind} cleared",
    "review.confirmed": "confirmed by {by}",
    "review.false": "false alarm ({by})",
    "review.markConfirmed": "Confirm",
    "review.markFalse": "False alarm",
    "review.markConfirmedLabel": "Confirm the {kind} alarm of {time}",
    "review.markFalseLabel": "Mark the {kind} alarm of {time} a false alarm",

    // Key location categories (KeyLocationCategory).
    "category.school": "school",
    "category.hospital": "hospital",
    "category.transport_hub": "transport hub",
    "category.market": "market",
    "category.government": "government",
    "category.residential": "residential",
    "category.other": "other",

    "camera.back": "← Overview",
    "camera.snapshot": "Latest snapshot",
    "camera.snapshotNote": "Latest analysed keyframe.",
    "camera.noSnapshot": "No snapshot: {message}",
    "camera.snapshotRole": "Snapshots need the operator role.",
    "camera.grid": "Grid",
    "camera.keyLocations": "Key locations",
    "camera.stream": "Stream",
    "camera.state": "State",
    "camera.bitrate": "Bitrate",
    "camera.frameRate": "Frame rate / GOP",
    "camera.keyframes": "Keyframes",
    "camera.distance": "{name} ({metres} m)",
    "camera.transport": "(RTP over {transport})",
    "camera.transportPinned": "(RTP over {transport}, pinned)",
    "camera.stateSince": "{state} since {since}",
    "camera.bitrateValue": "{value} kbit/s",
    "camera.frameRateValue": "{fps} fps / {gop} s",
    "camera.frameRateDeclaredValue": "{fps} fps (declared {declared}) / {gop} s",
    "camera.keyframesValue": "{count} (analysed {analysed}, skipped {skipped})",
    "camera.analysisAge": "Newest analysed keyframe",
    "camera.analysisAgeValue": "{seconds} s ago",
    "camera.clock": "Camera clock",
    "camera.clockValue": "{seconds} s against the gateway's (RTCP sender reports)",
    "camera.timeline": "Keyframe timeline (recorded green, gaps red), up to the last hour",
    "camera.timelineHint": "· click to play from that moment",
    "camera.brightness": "Brightness",
    "camera.sharpness": "Sharpness",
    "camera.events": "Events",
    "camera.noKeyframes": "no analysed keyframes in this hour",
    "span.recorded": "recorded",
    "span.gap": "gap",

    "playback.live": "Live",
    "playback.download": "Download the hour as MP4",
    "playback.asking": "asking…",
    "playback.playlistAnswered": "the playlist answered {status}",
    "playback.nothingLive": "nothing recorded in the last seconds",
    "playback.nothingFrom": "nothing recorded from that moment",
    "playback.playingLive": "live",
    "playback.playingFrom": "recorded, from {time}",
    "playback.cutting": "cutting the clip…",
    "playback.downloaded": "clip downloaded",
    "playback.keyframesOnly": "this browser cannot play this camera's video: its keyframes, one picture per GOP",
    "playback.keyframesEnded": "keyframes shown to the end of the recording",
    "reference.set": "Use this picture as the reference",
    "reference.playFirst": "play the recording first: the picture on show becomes the reference",
    "reference.done": "the keyframe at {time} is now the camera's reference picture",

    "availability.heading": "Availability per grid, last 24 hours",
    "availability.faultCount": "{kind} {count}×",

    "devices.heading": "GB/T 28181 devices",
    "nav.wall": "Wall",
    "wall.heading": "Keyframe wall",
    "wall.grid": "Grid",
    "wall.allCameras": "All cameras",
    "wall.hint": "Each tile is the camera's latest analysed keyframe; nothing is decoded to show it.",
    "wall.state": "{cameras} cameras · {streaming} streaming",
    "devices.about": "Cameras, NVRs and lower platforms that register to this gateway over SIP. Their channels are cameras like any other; a device's catalog names them.",
    "devices.summary": "{devices} devices · {online} online",
    "devices.online": "online",
    "devices.offline": "offline",
    "devices.neverRegistered": "never registered",
    "devices.askAgain": "Ask again",
    "devices.askTitle": "Ask for its catalog and device information",
    "devices.askedAt": "asked at {time}",
    "nav.patrol": "Patrol",
    "patrol.heading": "Patrol inspection",
    "patrol.about": "Cameras in patrol mode are not recorded: the gateway visits them in rounds, analyses a few keyframes of each and moves on.",
    "patrol.noRound": "no round yet",
    "patrol.progress": "round {round}: {visited} of {cameras} cameras visited since {time}, {running} visits under way",
    "patrol.summary": "{cameras} cameras in patrol mode · {never} never visited",
    "patrol.runNow": "Visit all now",
    "patrol.asked": "asked at {time}: {cameras} cameras",
    "patrol.rounds": "Finished rounds",
    "patrol.noRounds": "no round finished yet",
    "patrol.cameras": "Cameras, longest unvisited first (200 at most)",
    "patrol.never": "never",
    "column.started": "Started",
    "column.minutes": "Minutes",
    "column.visits": "Visits",
    "column.lastVisit": "Last visit",
    "column.outcome": "Outcome",
    "column.keyframes": "Keyframes",
    "column.stream": "Stream",
    "column.gop": "Keyframe interval (s)",
    "column.clockOffset": "Camera clock (s ahead)",
    "column.clockOffsetHint": "Seconds the camera's clock is ahead of the gateway's (negative: behind), from its RTCP sender reports; – when none came during the visit.",
    "outcome.ok": "reached",
    "outcome.unreachable": "unreachable",
    "outcome.noKeyframe": "no keyframe",
  },

  "zh-CN": {
    "app.name": "Skygate",
    "app.title": "Skygate 视频网关",
    "language.label": "语言",
    "list.separator": "、",

    "nav.overview": "总览",
    "nav.availability": "可用率",
    "nav.devices": "设备",
    "nav.signOut": "退出登录",
    "who": "{name}（{role}）",
    "role.viewer": "查看员",
    "role.operator": "操作员",
    "role.admin": "管理员",

    "signIn.heading": "登录",
    "signIn.helpBefore": "请粘贴 API 令牌（用",
    "signIn.helpAfter": " 命令创建，或使用首次启动时打印的管理员令牌）。令牌仅保存在当前标签页中。",
    "signIn.token": "API 令牌",
    "signIn.tokenPlaceholder": "sgt_…",
    "signIn.submit": "登录",
    "signIn.refused": "令牌被拒绝。",
    "signIn.refusedAgain": "令牌被拒绝，请重新登录。",

    "overview.map": "地图",
    "overview.mapLabel": "网格、重点场所和摄像机",
    "overview.liveEvents": "实时事件",
    "overview.cameras": "摄像机",
    "overview.pictures": "显示画面",
    "overview.serviceState": "服务{service} · 摄像机 {cameras} 路 · 在线 {streaming} 路",
    "overview.error": "（{message}）",
    "legend.keyLocation": "重点场所",
    "feed.live": "（实时）",
    "feed.reconnecting": "（正在重新连接…）",
    "map.location": "{name}（{category}）",
    "map.lastVisit": "最近巡检 {time}：{outcome}",
    "map.notVisited": "尚未巡检",

    "column.camera": "摄像机",
    "column.grid": "网格",
    "column.state": "状态",
    "column.bitrate": "码率（kbit/s）",
    "column.frameRate": "帧率",
    "column.lastKeyframe": "最近关键帧",
    "column.openFaults": "未恢复故障",
    "column.name": "名称",
    "column.cameras": "摄像机数",
    "column.online": "在线率 %",
    "column.faultFree": "无故障率 %",
    "column.faults": "故障",
    "column.device": "设备",
    "column.address": "地址",
    "column.lastKeepalive": "最近心跳",
    "column.version": "版本",
    "column.deviceInfo": "厂商、型号、固件",
    "column.deviceClock": "时钟偏差（秒）",
    "devices.clockTitle": "设备时钟比网关快的秒数（负数为慢），来自{time}的设备状态应答",
    "column.channels": "通道",

    "state.streaming": "在线",
    "state.connecting": "连接中",
    "state.stalled": "码流中断",
    "state.offline": "离线",
    "state.stopped": "已停止",
    "state.disabled": "已停用",
    "mode.patrol": "巡检（不录像）",
    "mode.off": "停用",
    "state.fault": "画面异常",
    "state.idle": "未录像",
    "state.notRunning": "未运行",

    "reason.refused": "连接被拒绝",
    "reason.timeout": "连接超时",
    "reason.unauthorised": "认证失败",
    "reason.notFound": "码流不存在",
    "reason.noVideoStream": "码流中没有视频",
    "reason.refusedURL": "地址不被允许",
    "reason.ended": "码流已结束",
    "reason.readError": "读取错误",
    "reason.noData": "无数据",
    "reason.recordingFailed": "录像写入失败",
    "reason.not recorded": "未录像",

    "service.running": "运行中",
    "service.stopped": "已停止",
    "service.not running": "未运行",
    "service.never started": "从未启动",

    "kind.offline": "视频离线",
    "kind.stalled": "码流中断",
    "kind.stream_degraded": "码流异常",
    "kind.long_gop": "关键帧间隔过长",
    "kind.frame_rate_shortfall": "帧率不足",
    "kind.clock_offset": "时钟偏差",
    "kind.signal_loss": "视频信号丢失",
    "kind.corruption": "画面花屏",
    "kind.too_dark": "画面过暗",
    "kind.too_bright": "画面过亮",
    "kind.low_contrast": "对比度低（雾）",
    "kind.occlusion": "视频遮挡",
    "kind.frozen": "画面冻结",
    "kind.blur": "画面模糊",
    "kind.noise": "雪花噪声",
    "kind.stripes": "条纹干扰",
    "kind.colour_cast": "画面偏色",
    "kind.ir_cut": "红外滤光片故障",
    "kind.camera_moved": "镜头移位",
    "kind.sensor_alarm": "传感器告警",
    "kind.device_alarm": "设备告警",
    "event.raised": "{kind} · 告警产生",
    "event.cleared": "{kind} · 告警恢复",
    "review.confirmed": "已确认（{by}）",
    "review.false": "误报（{by}）",
    "review.markConfirmed": "确认",
    "review.markFalse": "误报",
    "review.markConfirmedLabel": "确认{time}的{kind}告警",
    "review.markFalseLabel": "将{time}的{kind}告警标为误报",

    "category.school": "学校",
    "category.hospital": "医院",
    "category.transport_hub": "交通枢纽",
    "category.market": "市场",
    "category.government": "政府机关",
    "category.residential": "居民区",
    "category.other": "其他",

    "camera.back": "← 总览",
    "camera.snapshot": "最新抓图",
    "camera.snapshotNote": "最近一次分析的关键帧。",
    "camera.noSnapshot": "无抓图：{message}",
    "camera.snapshotRole": "查看抓图需要操作员角色。",
    "camera.grid": "网格",
    "camera.keyLocations": "重点场所",
    "camera.stream": "码流地址",
    "camera.state": "状态",
    "camera.bitrate": "码率",
    "camera.frameRate": "帧率 / GOP",
    "camera.keyframes": "关键帧",
    "camera.distance": "{name}（{metres} 米）",
    "camera.transport": "（RTP 经 {transport} 传输）",
    "camera.transportPinned": "（RTP 经 {transport} 传输，已固定）",
    "camera.stateSince": "{state}，自 {since} 起",
    "camera.bitrateValue": "{value} kbit/s",
    "camera.frameRateValue": "{fps} fps / {gop} 秒",
    "camera.frameRateDeclaredValue": "{fps} fps（标称 {declared}）/ {gop} 秒",
    "camera.keyframesValue": "{count}（已分析 {analysed}，跳过 {skipped}）",
    "camera.analysisAge": "最新分析的关键帧",
    "camera.analysisAgeValue": "{seconds} 秒前",
    "camera.clock": "摄像机时钟",
    "camera.clockValue": "比网关 {seconds} 秒（RTCP 发送端报告）",
    "camera.timeline": "关键帧时间轴（绿色为已录像，红色为录像缺失），最近一小时",
    "camera.timelineHint": "· 点击即从该时刻开始回放",
    "camera.brightness": "亮度",
    "camera.sharpness": "清晰度",
    "camera.events": "事件",
    "camera.noKeyframes": "本小时内没有已分析的关键帧",
    "span.recorded": "已录像",
    "span.gap": "录像缺失",

    "playback.live": "实时",
    "playback.download": "下载本小时录像（MP4）",
    "playback.asking": "正在请求…",
    "playback.playlistAnswered": "播放列表返回 {status}",
    "playback.nothingLive": "最近几秒没有录像",
    "playback.nothingFrom": "该时刻之后没有录像",
    "playback.playingLive": "实时",
    "playback.playingFrom": "录像回放，从 {time} 开始",
    "playback.cutting": "正在剪辑…",
    "playback.downloaded": "录像片段已下载",
    "playback.keyframesOnly": "此浏览器无法播放该摄像机的视频：逐关键帧显示画面，每个 GOP 一幅",
    "playback.keyframesEnded": "关键帧已显示到录像末尾",
    "reference.set": "设为基准画面",
    "reference.playFirst": "请先播放录像：当前显示的画面将设为基准画面",
    "reference.done": "{time} 的关键帧已设为该摄像机的基准画面",

    "availability.heading": "各网格可用率（最近 24 小时）",
    "availability.faultCount": "{kind} {count} 次",

    "devices.heading": "GB/T 28181 设备",
    "nav.wall": "视频墙",
    "wall.heading": "关键帧视频墙",
    "wall.grid": "网格",
    "wall.allCameras": "全部摄像机",
    "wall.hint": "每个画面是该摄像机最近分析的关键帧，显示时不做任何解码。",
    "wall.state": "摄像机 {cameras} 路 · 在线 {streaming} 路",
    "devices.about": "通过 SIP 注册到本网关的摄像机、NVR 和下级平台。它们的通道与其他摄像机一样接入；通道名称取自设备目录。",
    "devices.summary": "设备 {devices} 台 · 在线 {online} 台",
    "devices.online": "在线",
    "devices.offline": "离线",
    "devices.neverRegistered": "从未注册",
    "devices.askAgain": "重新查询",
    "devices.askTitle": "重新查询设备目录和设备信息",
    "devices.askedAt": "已于 {time} 查询",
    "nav.patrol": "巡检",
    "patrol.heading": "视频巡检",
    "patrol.about": "巡检模式的摄像机不录像：网关按轮次逐一访问，每台分析几个关键帧后即转往下一台。",
    "patrol.noRound": "尚无巡检轮次",
    "patrol.progress": "第 {round} 轮：自 {time} 起已巡检 {visited}/{cameras} 台，进行中 {running} 台",
    "patrol.summary": "巡检摄像机 {cameras} 台 · 从未巡检 {never} 台",
    "patrol.runNow": "立即全部巡检",
    "patrol.asked": "已于 {time} 请求：{cameras} 台",
    "patrol.rounds": "已完成的轮次",
    "patrol.noRounds": "尚无完成的轮次",
    "patrol.cameras": "摄像机（最久未巡检的在前，最多 200 台）",
    "patrol.never": "从未",
    "column.started": "开始时间",
    "column.minutes": "用时（分钟）",
    "column.visits": "访问次数",
    "column.lastVisit": "最近巡检",
    "column.outcome": "结果",
    "column.keyframes": "关键帧",
    "column.stream": "码流",
    "column.gop": "关键帧间隔（秒）",
    "column.clockOffset": "摄像机时钟（快秒数）",
    "column.clockOffsetHint": "摄像机时钟比网关快多少秒（负数为慢），取自其 RTCP 发送端报告；巡检期间未收到报告时为 –。",
    "outcome.ok": "可达",
    "outcome.unreachable": "不可达",
    "outcome.noKeyframe": "无关键帧",
  },
};

/** Each language's name in itself, for the switch: shown the same whatever the page's language. */
const languageNames = { en: "English", "zh-CN": "中文" };

/** Where the catalogues disagree: a key missing in a language or not in English, or other {parameters}. */
function catalogueProblems() {
  const problems = [];
  const parameters = (text) => (text.match(/\{\w+\}/g) || []).sort().join(" ");
  for (const [code, catalogue] of Object.entries(messages)) {
    for (const [key, value] of Object.entries(messages.en)) {
      if (!Object.hasOwn(catalogue, key)) problems.push(`${code}: ${key} is missing`);
      else if (parameters(catalogue[key]) !== parameters(value)) problems.push(`${code}: ${key} has other parameters`);
    }
    for (const key of Object.keys(catalogue)) if (!Object.hasOwn(messages.en, key)) problems.push(`${code}: ${key} is not in en`);
  }
  return problems;
}
const missingMessages = catalogueProblems();
for (const problem of missingMessages) console.error(`i18n: ${problem}`);
// For the browser tests: the catalogue as served, and what the check above found.
window.skygateMessages = messages;
window.skygateLanguageNames = languageNames;
window.skygateMissingMessages = missingMessages;

/** The language chosen with the switch, else the browser's first preference we have (any Chinese reads zh-CN). */
function preferredLanguage() {
  const chosen = localStorage.getItem("skygate-language");
  if (chosen && Object.hasOwn(messages, chosen)) return chosen;
  for (const tag of navigator.languages || [navigator.language]) {
    if (/^zh\b/i.test(tag)) return "zh-CN";
    if (/^en\b/i.test(tag)) return "en";
  }
  return "en";
}

let language = preferredLanguage();

/** The message `key` in the page's language (English if that language lacks it), with `{name}` replaced by params.name. */
function t(key, params = {}) {
  const text = messages[language][key] ?? messages.en[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (whole, name) => (name in params ? String(params[name]) : whole));
}

/** Whether there is a message `key` (for values from the server that may be new to this page, e.g. an event kind). */
const hasMessage = (key) => Object.hasOwn(messages.en, key);

/** Shows a message in a node and remembers which, so that a switch of language translates it again. */
function say(node, key, params) {
  node.dataset.i18n = key;
  if (params) node.dataset.i18nParams = JSON.stringify(params);
  else delete node.dataset.i18nParams;
  node.textContent = t(key, params);
}

/** Shows text that is no message (an error from the server, data): a switch of language leaves it as it is. */
function sayText(node, text) {
  delete node.dataset.i18n;
  delete node.dataset.i18nParams;
  node.textContent = text;
}

/** Fills every element marked with a message key: its text (data-i18n, with data-i18n-params), placeholder,
 *  aria-label, title or alt (data-i18n-placeholder, -aria, -title, -alt); and the page's lang and title. */
function translatePage() {
  document.documentElement.lang = language;
  document.title = t("app.title");
  for (const node of document.querySelectorAll("[data-i18n]")) {
    node.textContent = t(node.dataset.i18n, node.dataset.i18nParams ? JSON.parse(node.dataset.i18nParams) : {});
  }
  const attributes = { i18nPlaceholder: "placeholder", i18nAria: "aria-label", i18nTitle: "title", i18nAlt: "alt" };
  for (const [data, attribute] of Object.entries(attributes)) {
    const marker = "data-" + data.replace(/[A-Z]/g, (letter) => "-" + letter.toLowerCase());
    for (const node of document.querySelectorAll(`[${marker}]`)) node.setAttribute(attribute, t(node.dataset[data]));
  }
}

/** Switches the page's language and keeps the choice (localStorage: the language is no secret, unlike the token). */
function useLanguage(code) {
  if (!Object.hasOwn(messages, code)) return;
  language = code;
  localStorage.setItem("skygate-language", code);
  translatePage();
}

/** An error whose text is a message of the catalogue: sayError shows it so that a switch of language translates it. */
class MessageError extends Error {
  constructor(key, params) {
    super(t(key, params));
    this.key = key;
    this.params = params;
  }
}

/** Shows an error: one of ours as its message, any other (the server's words) as it is. */
function sayError(node, error) {
  if (error instanceof MessageError) say(node, error.key, error.params);
  else sayText(node, error.message);
}
