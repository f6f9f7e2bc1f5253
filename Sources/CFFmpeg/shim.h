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
#include <libswscale/swscale.h>

static inline int CFFmpeg_AVERROR(int posixError) { return AVERROR(posixError); }
static inline int CFFmpeg_AVERROR_EOF(void) { return AVERROR_EOF; }
static inline int CFFmpeg_AVERROR_INVALIDDATA(void) { return AVERROR_INVALIDDATA; }
static inline int CFFmpeg_AVERROR_PROTOCOL_NOT_FOUND(void) { return AVERROR_PROTOCOL_NOT_FOUND; }
// What a server answered when it refused: FFmpeg's HTTP and RTSP clients both report the status as these codes.
static inline int CFFmpeg_AVERROR_HTTP_BAD_REQUEST(void) { return AVERROR_HTTP_BAD_REQUEST; }
static inline int CFFmpeg_AVERROR_HTTP_UNAUTHORIZED(void) { return AVERROR_HTTP_UNAUTHORIZED; }
static inline int CFFmpeg_AVERROR_HTTP_FORBIDDEN(void) { return AVERROR_HTTP_FORBIDDEN; }
static inline int CFFmpeg_AVERROR_HTTP_NOT_FOUND(void) { return AVERROR_HTTP_NOT_FOUND; }
static inline int CFFmpeg_AVERROR_HTTP_OTHER_4XX(void) { return AVERROR_HTTP_OTHER_4XX; }
static inline int CFFmpeg_AVERROR_HTTP_SERVER_ERROR(void) { return AVERROR_HTTP_SERVER_ERROR; }
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

#endif
