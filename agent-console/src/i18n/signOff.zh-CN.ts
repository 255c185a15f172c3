/** Warnings before an agent signs off (state switcher → 离线) or signs out with call work open, zh-CN. Mounted under `signOff`. */
export const signOffZh = {
  signOut: '退出登录',
  offline: '切换为离线',
  cancel: '取消',
  unselectedWrapUp: {
    title: '本次通话还没有选择话后小结',
    signOut: '现在退出登录，本次通话的话后小结将记为“未选择”（计入话后小结统计）。如需选择小结，请先取消并在话后处理窗口中选择。',
    offline: '现在切换为离线，本次通话的话后小结将记为“未选择”（计入话后小结统计）。如需选择小结，请先取消并在话后处理窗口中选择。',
  },
  onCall: {
    title: '您正在通话中',
    signOut: '退出登录后您立即变为离线，不再分配来电；本页的软电话会关闭，通话可能随之中断。通话结束后不进入话后处理，小结记为“未选择”。建议先结束通话再退出。',
    offline: '通话中不能切换为离线，请先结束通话。',
  },
};
