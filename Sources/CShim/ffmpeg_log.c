#include "CShim.h"

#include <stdarg.h>
#include <stdatomic.h>
#include <libavutil/log.h>

// Written once at start-up, read by every FFmpeg thread that logs: atomic so a late install is seen whole.
static _Atomic(CShim_log_sink) current_sink = 0;

static void trampoline(void *context, int level, const char *format, va_list arguments) {
    CShim_log_sink sink = atomic_load_explicit(&current_sink, memory_order_acquire);
    if (level > av_log_get_level() || sink == 0) return;
    char line[1024];
    int printPrefix = 1;
    if (av_log_format_line2(context, level, format, arguments, line, sizeof line, &printPrefix) < 0) return;
    sink(level, line);
}

void CShim_set_ffmpeg_log_sink(CShim_log_sink sink, int level) {
    atomic_store_explicit(&current_sink, sink, memory_order_release);
    av_log_set_level(level);
    av_log_set_callback(trampoline);
}
