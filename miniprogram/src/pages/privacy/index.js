// The privacy notice in plain words: what is collected, why, for how long. The formal
// 用户隐私保护指引 is the one filled in on the WeChat admin console (wx.openPrivacyContract).
Component({
  methods: {
    openContract() {
      wx.openPrivacyContract({})
    },
  },
})
