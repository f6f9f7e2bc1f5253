// The few C functions Skygate needs that Swift cannot write itself: receivers for FFmpeg's log lines and its RTP gap
// reports (its log callback takes a va_list, which Swift's C function types cannot represent on x86-64 Linux) and
// glibc's malloc tuning (Swift's Glibc module does not export <malloc.h>). Defined once, in the .c files beside this
// header, so no including file gets a copy of its own (as SwiftNIO's CNIOLinux does with shim.c).
#ifndef SKYGATE_CSHIM_H
#define SKYGATE_CSHIM_H

/// Receives FFmpeg log lines already formatted.
typedef void (*CShim_log_sink)(int level, const char *line);

/// Installs `sink` as the receiver of every FFmpeg log line at or below `level`. Call before any other FFmpeg call.
void CShim_set_ffmpeg_log_sink(CShim_log_sink sink, int level);

/// Receives the number of RTP packets FFmpeg's RTP demuxer found missing at one gap, with the AVFormatContext of the
/// input that logged it.
typedef void (*CShim_rtp_loss_sink)(const void *context, int packets);

/// Installs `sink` as the receiver of FFmpeg's RTP gap reports ("RTP: missed N packets"), whatever the log level.
/// FFmpeg's other messages keep going where they went (to the log sink, else to standard error).
void CShim_set_rtp_loss_sink(CShim_rtp_loss_sink sink);

/// Limits glibc to `count` malloc arenas (mallopt M_ARENA_MAX). Returns 1 when applied, 0 when not (mallopt refused,
/// or not glibc).
int CShim_limit_malloc_arenas(int count);

/// Returns freed heap memory to the system (malloc_trim(0)); a no-op on other C libraries.
void CShim_trim_heap(void);

#endif
