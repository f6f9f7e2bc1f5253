#include "CShim.h"

#include <stdarg.h>
#include <stdatomic.h>
#include <string.h>
#include <libavutil/log.h>

// Written once at start-up, read by every FFmpeg thread that logs: atomic so a late install is seen whole.
static _Atomic(CShim_log_sink) current_sink = 0;
static _Atomic(CShim_rtp_loss_sink) current_loss_sink = 0;

// FFmpeg's RTP demuxer keeps its loss statistics private (RTPStatistics, used only for RTCP receiver reports); the one
// public trace of a gap is this warning, logged with the input's AVFormatContext when a packet it waited for never came
// (libavformat/rtpdec.c, rtp_parse_queued_packet; the same text since 2010). Compared as text, not as a pointer: the
// literal lives in libavformat.
static const char rtp_missed_format[] = "RTP: missed %d packets\n";

static void trampoline(void *context, int level, const char *format, va_list arguments) {
    CShim_rtp_loss_sink losses = atomic_load_explicit(&current_loss_sink, memory_order_acquire);
    if (losses != 0 && format != 0 && strcmp(format, rtp_missed_format) == 0) {
        va_list copy;
        va_copy(copy, arguments);
        losses(context, va_arg(copy, int));
        va_end(copy);
    }
    CShim_log_sink sink = atomic_load_explicit(&current_sink, memory_order_acquire);
    if (sink == 0) {
        // Nobody routed the log (a tool or test that counts losses only): FFmpeg's own behaviour, standard error.
        av_log_default_callback(context, level, format, arguments);
        return;
    }
    if (level > av_log_get_level()) return;
    char line[1024];
    int printPrefix = 1;
    if (av_log_format_line2(context, level, format, arguments, line, sizeof line, &printPrefix) < 0) return;
    sink(level, line);
}

// av_log_set_callback writes a plain global that FFmpeg's threads read as they log: set it once, not again later.
static atomic_flag trampoline_installed = ATOMIC_FLAG_INIT;

static void install_trampoline(void) {
    if (!atomic_flag_test_and_set(&trampoline_installed)) av_log_set_callback(trampoline);
}

void CShim_set_ffmpeg_log_sink(CShim_log_sink sink, int level) {
    atomic_store_explicit(&current_sink, sink, memory_order_release);
    av_log_set_level(level);
    install_trampoline();
}

void CShim_set_rtp_loss_sink(CShim_rtp_loss_sink sink) {
    atomic_store_explicit(&current_loss_sink, sink, memory_order_release);
    install_trampoline();
}
