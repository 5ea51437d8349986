#include "runtime/listen_address.hpp"

#include <netdb.h>
#include <sys/socket.h>

#include <boost/asio/ip/address.hpp>

namespace ringtmp {

namespace {

bool is_localhost_name(std::string host) {
  for (auto& ch : host) ch = char(std::tolower(static_cast<unsigned char>(ch)));
  if (!host.empty() && host.back() == '.') host.pop_back();
  return host == "localhost" || host.ends_with(".localhost");
}

}  // namespace

StatusOr<std::string> listen_address_for(const PeerAddress& own) {
  boost::system::error_code ec;
  const auto literal = boost::asio::ip::make_address(own.host, ec);
  if (!ec) return literal.to_string();
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (const int err = ::getaddrinfo(own.host.c_str(), nullptr, &hints, &found); err != 0 || !found)
    return Status::errorf("its own line's host '{}' does not resolve on this device ({}); "
                          "name an address, or choose one with --listen",
                          own.host, err != 0 ? gai_strerror(err) : "no address");
  char text[NI_MAXHOST] = {};
  const int err = ::getnameinfo(found->ai_addr, found->ai_addrlen, text, sizeof text, nullptr, 0, NI_NUMERICHOST);
  ::freeaddrinfo(found);
  if (err != 0) return Status::errorf("its own line's host '{}': {}", own.host, gai_strerror(err));
  const auto address = boost::asio::ip::make_address(text, ec);
  if (ec) return Status::errorf("its own line's host '{}' resolves to '{}', not an IP address", own.host, text);
  if (address.is_loopback() && !is_localhost_name(own.host)) return std::string("0.0.0.0");
  return address.to_string();
}

}  // namespace ringtmp
