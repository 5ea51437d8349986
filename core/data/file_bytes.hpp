#pragma once
// A data file's bytes in order, inflated when the file is gzip-compressed (as the Debian
// package ships Fashion-MNIST). Uses zlib's inflate directly rather than gzread, because
// gzread reports a stream whose last bytes (CRC-32 and length) are missing as a clean end of
// file when the data itself was complete. Here a gzip stream counts only if it reaches its
// end marker with a matching CRC-32 and length, and each failure has its own words:
// "truncated" (the file ends inside the stream), "CRC-32 does not match" (the data changed),
// "corrupt compressed data" (the deflate data itself is damaged).
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/status.hpp"

namespace ringtmp {

class FileBytes {
 public:
  // Opens a regular file (a FIFO or a device is refused: see core/text_file.hpp); gzip when
  // it starts with the gzip magic 1f 8b. Errors name the file.
  static StatusOr<std::unique_ptr<FileBytes>> open(const std::string& path);
  ~FileBytes();
  FileBytes(const FileBytes&) = delete;
  FileBytes& operator=(const FileBytes&) = delete;

  // Up to n bytes; fewer only where the data ends. An error (naming the file) if the file
  // ends inside a gzip stream or the compressed data is damaged.
  StatusOr<size_t> read(void* out, size_t n);

  // The data must end here: a gzip stream is read to its end marker and its CRC-32 and
  // length checked; any byte after the data (or after the gzip stream) is an error.
  Status expect_end();

 private:
  explicit FileBytes(std::string path);
  Status refill();  // more raw bytes into in_, or file_eof_
  StatusOr<size_t> inflate_into(uint8_t* out, size_t n);
  Status zlib_error(int code) const;

  std::string path_;
  int fd_ = -1;
  bool gzip_ = false;
  bool file_eof_ = false;
  bool stream_end_ = false;
  std::vector<uint8_t> in_;  // raw bytes read ahead: [in_pos_, in_.size())
  size_t in_pos_ = 0;
  struct Inflater;
  std::unique_ptr<Inflater> z_;
};

}  // namespace ringtmp
