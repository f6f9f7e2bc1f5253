// The parts of FFmpeg's API that Swift cannot import as they are: function-like macros and casted constants.
// Version differences between FFmpeg releases are hidden here too, so Swift code sees one API.
#ifndef SKYGATE_CFFMPEG_SHIM_H
#define SKYGATE_CFFMPEG_SHIM_H

#include <errno.h>
#include <libavformat/avformat.h>
#include <libavformat/avio.h>
#include <libavcodec/avcodec.h>
#include <libavutil/avutil.h>
#include <libavutil/error.h>
#include <libavutil/dict.h>
#include <libavutil/pixdesc.h>
#include <libavutil/log.h>
#include <libswscale/swscale.h>

static inline int CFFmpeg_AVERROR(int posixError) { return AVERROR(posixError); }
static inline int CFFmpeg_AVERROR_EOF(void) { return AVERROR_EOF; }
static inline int CFFmpeg_AVERROR_INVALIDDATA(void) { return AVERROR_INVALIDDATA; }
static inline int CFFmpeg_AVERROR_PROTOCOL_NOT_FOUND(void) { return AVERROR_PROTOCOL_NOT_FOUND; }
static inline int64_t CFFmpeg_AV_NOPTS_VALUE(void) { return AV_NOPTS_VALUE; }
static inline int CFFmpeg_AV_TIME_BASE(void) { return AV_TIME_BASE; }

/// The text of an AVERROR code; `buffer` must hold at least AV_ERROR_MAX_STRING_SIZE bytes.
static inline const char *CFFmpeg_av_err2str(int code, char *buffer, size_t size) {
    av_strerror(code, buffer, size);
    return buffer;
}

/// A stream by index, so Swift need not index the C array of stream pointers itself.
static inline AVStream *CFFmpeg_stream(const AVFormatContext *ctx, unsigned index) {
    return ctx->streams[index];
}

/// Receives FFmpeg log lines already formatted, so Swift never handles a va_list (not representable in Swift's C
/// function types on x86-64 Linux).
typedef void (*CFFmpeg_log_sink)(int level, const char *line);
static CFFmpeg_log_sink CFFmpeg_current_log_sink = 0;

static void CFFmpeg_log_trampoline(void *context, int level, const char *format, va_list arguments) {
    if (level > av_log_get_level() || CFFmpeg_current_log_sink == 0) return;
    char line[1024];
    int printPrefix = 1;
    if (av_log_format_line2(context, level, format, arguments, line, sizeof line, &printPrefix) < 0) return;
    CFFmpeg_current_log_sink(level, line);
}

/// Installs `sink` as the receiver of every FFmpeg log line at or below `level`. Call before any other FFmpeg call.
static inline void CFFmpeg_set_log_sink(CFFmpeg_log_sink sink, int level) {
    CFFmpeg_current_log_sink = sink;
    av_log_set_level(level);
    av_log_set_callback(CFFmpeg_log_trampoline);
}

#endif
