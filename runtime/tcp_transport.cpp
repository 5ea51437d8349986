#include "runtime/tcp_transport.hpp"

#include "runtime/listen_address.hpp"

namespace ringtmp {

StatusOr<std::unique_ptr<TcpTransport>> TcpTransport::listen(int rank, uint16_t port, const ClusterKey& key,
                                                             const ConfigDigest& digest, NetOptions options) {
  auto mesh = Mesh::listen(rank, port, key, digest, std::move(options));
  if (!mesh.ok()) return mesh.status();
  return std::unique_ptr<TcpTransport>(new TcpTransport(std::move(*mesh)));
}

Status TcpTransport::connect(const std::vector<PeerAddress>& peers) {
  Status s = mesh_->connect(peers);
  epoch_ = std::chrono::steady_clock::now();
  connected_ = true;
  return s;
}

Status TcpTransport::rejoin(const std::vector<PeerAddress>& peers) {
  if (!connected_) epoch_ = std::chrono::steady_clock::now();
  connected_ = true;
  return mesh_->rejoin(peers);
}

StatusOr<std::unique_ptr<TcpTransport>> connect_cluster(int rank, const std::vector<PeerAddress>& peers,
                                                        const ClusterKey& key, const ConfigDigest& digest,
                                                        NetOptions options, bool rejoining) {
  if (rank < 0 || rank >= int(peers.size()))
    return Status::errorf("rank {} is not in the peers list (ranks 0..{})", rank, int(peers.size()) - 1);
  if (options.listen_host.empty()) {  // the node's own line says where it listens
    auto address = listen_address_for(peers[size_t(rank)]);
    if (!address.ok()) return Status::errorf("rank {}: {}", rank, address.status().message());
    options.listen_host = *address;
  }
  auto t = TcpTransport::listen(rank, peers[size_t(rank)].port, key, digest, std::move(options));
  if (!t.ok()) return t.status();
  if (Status s = rejoining ? (*t)->rejoin(peers) : (*t)->connect(peers); !s.ok()) return s;
  return std::move(*t);
}

}  // namespace ringtmp
