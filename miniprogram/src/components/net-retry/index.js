// Shown instead of a blank page when a load failed: the reason and one big 重试 button.
Component({
  properties: { message: { type: String, value: '' } },
  methods: {
    onRetry() {
      this.triggerEvent('retry')
    },
  },
})
