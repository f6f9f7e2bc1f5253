// The few C functions Skygate needs that Swift cannot write itself: a receiver for FFmpeg's log lines (its callback
// takes a va_list, which Swift's C function types cannot represent on x86-64 Linux) and glibc's malloc tuning
// (Swift's Glibc module does not export <malloc.h>). Defined once, in the .c files beside this header, so no
// including file gets a copy of its own (as SwiftNIO's CNIOLinux does with shim.c).
#ifndef SKYGATE_CSHIM_H
#define SKYGATE_CSHIM_H

/// Receives FFmpeg log lines already formatted.
typedef void (*CShim_log_sink)(int level, const char *line);

/// Installs `sink` as the receiver of every FFmpeg log line at or below `level`. Call before any other FFmpeg call.
void CShim_set_ffmpeg_log_sink(CShim_log_sink sink, int level);

/// Limits glibc to `count` malloc arenas (mallopt M_ARENA_MAX). Returns 1 when applied, 0 when not (mallopt refused,
/// or not glibc).
int CShim_limit_malloc_arenas(int count);

/// Returns freed heap memory to the system (malloc_trim(0)); a no-op on other C libraries.
void CShim_trim_heap(void);

#endif
