/* One frame of the naccsd protocol (docs/PROTOCOL.md, "Framing") on a file
 * descriptor: a big-endian u32 length, then that many bytes (the body).
 * Reads and writes loop over partial transfers and EINTR and wait with
 * poll() until an absolute deadline (base/time.h); the descriptor may be
 * blocking or not.  Nothing is allocated: the caller hands the buffer.
 * Writes never raise SIGPIPE (MSG_NOSIGNAL on sockets): the code runs
 * inside host processes (sshd, login, screen lockers). */
#ifndef NACCS_PROTO_FRAME_H
#define NACCS_PROTO_FRAME_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "base/time.h"

/* The most bytes a frame's length may announce (the body: header and
 * fields), and the size of the u32 length in front of it. */
#define NACCS_PROTO_FRAME_MAX 65536u
#define NACCS_PROTO_LEN_SIZE  4u

/* Read one frame's body into buf (bufsz bytes) and set *len.  The length is
 * checked before a byte of the body is read: 0 gives -EPROTO, more than
 * NACCS_PROTO_FRAME_MAX or than bufsz -EMSGSIZE.  -ETIMEDOUT when the
 * deadline passes first (a peer that stalls mid-frame), -ECONNRESET when
 * the peer closes (before the frame or inside it: the message says which),
 * another -errno when reading fails.  On failure buf holds no more than the
 * bytes read so far, which the caller wipes if it may hold a secret. */
int naccs_frame_read(int fd, uint8_t *buf, size_t bufsz, size_t *len, naccs_deadline_t deadline,
		     struct naccs_err *err);

/* Write the length and the len bytes of body.  len 0 or above
 * NACCS_PROTO_FRAME_MAX gives -EINVAL / -EMSGSIZE (nothing written);
 * -ETIMEDOUT when the deadline passes first, -ECONNRESET when the peer has
 * gone (EPIPE, ECONNRESET), another -errno when writing fails. */
int naccs_frame_write(int fd, const uint8_t *body, size_t len, naccs_deadline_t deadline,
		      struct naccs_err *err);

#endif
