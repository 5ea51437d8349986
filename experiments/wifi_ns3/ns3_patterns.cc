// Question: how long do our traffic patterns take on a packet-level 802.11 network? A reference for the
// project's flow-level Wi-Fi model (SimGrid), built on ns-3 3.37 (Debian's libns3-dev).
//
// N stations (the Pis) + 1 access point (not one of the N), infrastructure mode, IPv4, TCP between stations.
// Every station-to-station byte crosses the air twice: station -> AP -> station. Patterns (one "round" each):
//   pingpong   station 0 sends S to station 1, which replies S; time = round trip (always 2 stations)
//   stream     station 0 sends R messages of S back to back to station 1; one row per message (2 stations)
//   ring       every station i sends S to i+1 and waits for S from i-1; round ends when all have received
//   ps         stations 1..N-1 push S to station 0; once it has all, it sends S back to each; ends when all have
//   allreduce  ring all-reduce: 2(N-1) steps of S/N bytes (rounded up) to the ring successor; a station starts
//              step k+1 once it has received step k from its predecessor; ends when every station has all
// A message of S bytes is complete when the receiver's application has read S bytes.
//
// Output: CSV on stdout, header pattern,standard,stations,bytes,round,seconds,goodput_bps,radio_joules_mean;
// diagnostics on stderr. goodput_bps = application payload delivered in the round (each byte counted once,
// though it crosses the air twice) * 8 / seconds. radio_joules_mean = ns-3 WifiRadioEnergyModel energy of
// one station's radio over the round, averaged over the stations (the AP is not counted).
//
// Usage: wifi_ns3_patterns --standard n|ac --pattern P --stations N --bytes S --rounds R --seed K [more, see
// --help]. Options take "--name value" or "--name=value"; S accepts K/M suffixes (binary: 1K = 1024 bytes).
// Arguments of the form --ns3::Type::Attribute=value set ns-3 attribute defaults (after ours, so they win).
//
// Written against ns-3 3.37's API in C++17 (its headers do not compile as C++20, see CMakeLists.txt).

#include "ns3/core-module.h"
#include "ns3/energy-module.h"
#include "ns3/internet-module.h"
#include "ns3/mobility-module.h"
#include "ns3/network-module.h"
#include "ns3/traffic-control-module.h"
#include "ns3/wifi-module.h"
#include "ns3/wifi-radio-energy-model-helper.h"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <iostream>
#include <map>
#include <string>
#include <utility>
#include <vector>

using namespace ns3;

namespace {

enum class Pattern { pingpong, stream, ring, ps, allreduce };

struct Options {
  std::string standard = "n";
  std::string patternName = "ring";
  Pattern pattern = Pattern::ring;
  uint32_t stations = 2;
  uint64_t bytes = 1024;
  uint32_t rounds = 3;
  uint32_t seed = 1;
  // Constant MCS by default, see ConfigureWifi() for why; "minstrel" switches to MinstrelHt.
  std::string rateControl = "constant";
  int mcs = -1;  // -1: the top MCS of the standard (HT MCS 7, VHT MCS 9)
  int widthMhz = 0;  // 0: the standard's default here (20 MHz for n, 80 MHz for ac)
  // "ip": stations route to each other through the AP's IP layer (the brief's home-router model);
  // "l2": one flat subnet, the AP's MAC relays frames between its stations (mac80211's intra-BSS relay).
  std::string relay = "ip";
  double radiusMetres = 3.0;
  bool shortGuardInterval = false;
  uint32_t maxAmpduBytes = 65535;  // ns-3's default for AC_BE, also the largest HT A-MPDU
  bool energy = true;
  double gapMs = 0.0;  // idle time between rounds; 0 = back to back, as a training loop's messages
  std::vector<std::string> ns3Arguments;
};

[[noreturn]] void Fail(const std::string& message) {
  std::cerr << "wifi_ns3_patterns: " << message << "\n";
  std::exit(2);
}

void PrintUsage() {
  std::cerr <<
      "usage: wifi_ns3_patterns [--standard n|ac] [--pattern pingpong|stream|ring|ps|allreduce]\n"
      "         [--stations 2..24] [--bytes S (1K, 64K, 8M...)] [--rounds R] [--seed K]\n"
      "         [--rate constant|minstrel] [--mcs M] [--width MHz] [--relay ip|l2] [--radius metres] [--sgi 0|1]\n"
      "         [--ampdu bytes] [--energy 0|1] [--gap-ms ms] [--ns3::Type::Attribute=value ...]\n";
}

uint64_t ParseBytes(const std::string& text) {
  char* end = nullptr;
  double value = std::strtod(text.c_str(), &end);
  std::string suffix(end);
  for (auto& c : suffix) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (suffix == "K" || suffix == "KB" || suffix == "KIB") value *= 1024;
  else if (suffix == "M" || suffix == "MB" || suffix == "MIB") value *= 1024 * 1024;
  else if (!suffix.empty() && suffix != "B") Fail("bad byte count: " + text);
  if (!(value >= 1)) Fail("byte count must be at least 1: " + text);
  return static_cast<uint64_t>(std::llround(value));
}

bool ParseFlag(const std::string& text) {
  if (text == "1" || text == "true" || text == "on" || text == "yes") return true;
  if (text == "0" || text == "false" || text == "off" || text == "no") return false;
  Fail("expected 0 or 1, got " + text);
}

Options ParseOptions(int argc, char** argv) {
  Options options;
  for (int i = 1; i < argc; ++i) {
    std::string argument = argv[i];
    if (argument == "--help" || argument == "-h") {
      PrintUsage();
      std::exit(0);
    }
    if (argument.rfind("--ns3::", 0) == 0 || argument.rfind("--Print", 0) == 0) {
      options.ns3Arguments.push_back(argument);
      continue;
    }
    if (argument.rfind("--", 0) != 0) Fail("unexpected argument " + argument);
    std::string name = argument.substr(2);
    std::string value;
    if (auto equals = name.find('='); equals != std::string::npos) {
      value = name.substr(equals + 1);
      name = name.substr(0, equals);
    } else {
      if (i + 1 >= argc) Fail("--" + name + " needs a value");
      value = argv[++i];
    }
    if (name == "standard") options.standard = value;
    else if (name == "pattern") options.patternName = value;
    else if (name == "stations") options.stations = static_cast<uint32_t>(std::stoul(value));
    else if (name == "bytes") options.bytes = ParseBytes(value);
    else if (name == "rounds") options.rounds = static_cast<uint32_t>(std::stoul(value));
    else if (name == "seed") options.seed = static_cast<uint32_t>(std::stoul(value));
    else if (name == "rate") options.rateControl = value;
    else if (name == "mcs") options.mcs = std::stoi(value);
    else if (name == "width") options.widthMhz = std::stoi(value);
    else if (name == "relay") options.relay = value;
    else if (name == "radius") options.radiusMetres = std::stod(value);
    else if (name == "sgi") options.shortGuardInterval = ParseFlag(value);
    else if (name == "ampdu") options.maxAmpduBytes = static_cast<uint32_t>(std::stoul(value));
    else if (name == "energy") options.energy = ParseFlag(value);
    else if (name == "gap-ms") options.gapMs = std::stod(value);
    else Fail("unknown option --" + name);
  }
  static const std::map<std::string, Pattern> patterns = {{"pingpong", Pattern::pingpong},
                                                          {"stream", Pattern::stream},
                                                          {"ring", Pattern::ring},
                                                          {"ps", Pattern::ps},
                                                          {"allreduce", Pattern::allreduce}};
  auto found = patterns.find(options.patternName);
  if (found == patterns.end()) Fail("unknown pattern " + options.patternName);
  options.pattern = found->second;
  if (options.standard != "n" && options.standard != "ac") Fail("--standard must be n or ac");
  if (options.rateControl != "constant" && options.rateControl != "minstrel") Fail("--rate: constant|minstrel");
  if (options.relay != "ip" && options.relay != "l2") Fail("--relay must be ip or l2");
  if (options.pattern == Pattern::pingpong || options.pattern == Pattern::stream) {
    if (options.stations != 2) std::cerr << "wifi_ns3_patterns: " << options.patternName << " uses 2 stations\n";
    options.stations = 2;
  }
  if (options.stations < 2 || options.stations > 64) Fail("--stations must be 2..64 (the brief's range is 2..24)");
  if (options.rounds < 1) Fail("--rounds must be at least 1");
  if (options.seed < 1) Fail("--seed must be at least 1");
  return options;
}

// One TCP connection used in one direction, from station `from` to station `to`, kept open for the whole run.
struct Link {
  uint32_t from = 0;
  uint32_t to = 0;
  Ptr<Socket> sender;
  Ptr<Socket> receiver;
  uint64_t unsentBytes = 0;                 // handed over by the pattern, not yet taken by TCP's send buffer
  std::deque<uint64_t> expectedMessages;    // sizes of the messages on their way, oldest first
  uint64_t receivedOfOldestMessage = 0;
};

class PatternExperiment {
 public:
  explicit PatternExperiment(Options options) : options_(std::move(options)) {}

  void Run() {
    BuildNetwork();
    WatchAssociations();
    wallStart_ = std::chrono::steady_clock::now();
    // Every stage has a deadline in simulated time, so a run that stalls ends with an error instead of
    // simulating beacons forever (run.sh also stops any simulation after 15 wall-clock minutes).
    Simulator::Schedule(Seconds(kAssociationDeadlineSeconds), [this] {
      if (associatedStations_ < options_.stations) Fail("not all stations associated in time");
    });
    Simulator::Run();
    // Release our sockets and energy sources before the simulator disposes of the nodes that own them.
    links_.clear();
    listeners_.clear();
    energySources_.clear();
    Simulator::Destroy();
    if (!finished_) Fail("simulation ended before the last round");
    double wallSeconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - wallStart_).count();
    std::cerr << "wifi_ns3_patterns: " << options_.patternName << " " << options_.standard
              << " N=" << options_.stations << " S=" << options_.bytes << ": associated at " << associatedAt_
              << " s, connected at " << connectedAt_ << " s, simulated until " << endedAt_ << " s, "
              << apForwardedPackets_ << " IP packets forwarded by the AP, wall " << wallSeconds << " s\n";
  }

 private:
  static constexpr double kAssociationDeadlineSeconds = 30.0;
  static constexpr double kConnectionDeadlineSeconds = 60.0;
  static constexpr double kRoundDeadlineSeconds = 600.0;  // the slowest kept round takes ~20 s
  static constexpr uint16_t kPort = 5000;

  // ---------------------------------------------------------------- network

  void BuildNetwork() {
    apNode_.Create(1);
    stationNodes_.Create(options_.stations);
    PlaceNodes();
    ConfigureWifi();
    ConfigureInternet();
    if (options_.energy) AttachEnergyModels();
  }

  // AP at the origin, stations on a circle around it: all equidistant from the AP (same SNR, same MCS
  // headroom) and at most 2 * radius apart, so every station hears every other (no hidden terminals, as in a
  // room of Pis around one router). Static: the Pis do not move.
  void PlaceNodes() {
    Ptr<ListPositionAllocator> positions = CreateObject<ListPositionAllocator>();
    positions->Add(Vector(0.0, 0.0, 0.0));
    for (uint32_t i = 0; i < options_.stations; ++i) {
      double angle = 2.0 * M_PI * i / options_.stations;
      positions->Add(Vector(options_.radiusMetres * std::cos(angle), options_.radiusMetres * std::sin(angle), 0.0));
    }
    MobilityHelper mobility;
    mobility.SetPositionAllocator(positions);
    mobility.SetMobilityModel("ns3::ConstantPositionMobilityModel");
    mobility.Install(apNode_);
    mobility.Install(stationNodes_);
  }

  void ConfigureWifi() {
    bool isN = options_.standard == "n";
    WifiHelper wifi;
    wifi.SetStandard(isN ? WIFI_STANDARD_80211n : WIFI_STANDARD_80211ac);
    // Rate control: a constant MCS, the top one for one spatial stream, unless --rate minstrel. Why: a few
    // metres from the AP the default loss model leaves ~43 dB SNR at 80 MHz (more at 20 MHz), far above what
    // MCS 7 / MCS 9 need, so MinstrelHt would settle there anyway; a constant MCS spares its probing frames
    // at lower rates (~10% of transmissions) and its warm-up, keeps runs reproducible, and matches the
    // project's model, which has one fixed PHY rate per network profile. (Minstrel here is no mere detail:
    // a 4-station ac ring at 256 KB ran at ~60 instead of ~129 Mbit/s goodput.)
    int topMcs = isN ? 7 : 9;
    int mcs = options_.mcs >= 0 ? options_.mcs : topMcs;
    std::string mode = (isN ? "HtMcs" : "VhtMcs") + std::to_string(mcs);
    if (options_.rateControl == "constant") {
      // ControlMode only sets RTS frames, which never go out here (A-MPDUs stay under RtsCtsThreshold);
      // the control answers (Ack, BlockAck) use the basic rate set whatever it says.
      wifi.SetRemoteStationManager("ns3::ConstantRateWifiManager", "DataMode", StringValue(mode), "ControlMode",
                                   StringValue(mode));
    } else {
      wifi.SetRemoteStationManager("ns3::MinstrelHtWifiManager");
    }
    // Long guard interval (800 ns) unless --sgi 1: the conservative rate, 65 Mbit/s at HT MCS 7 20 MHz and
    // 390 Mbit/s at VHT MCS 9 80 MHz for one stream; short GI would add 11%.
    wifi.ConfigHtOptions("ShortGuardIntervalSupported", BooleanValue(options_.shortGuardInterval));

    // Yans rather than the spectrum PHY: same PHY abstraction (error-rate tables per MCS) for one BSS on one
    // channel, and much cheaper per frame, which is what lets the matrix fit its time budget. Default
    // channel models: log-distance loss (exponent 3) and constant-speed delay.
    YansWifiChannelHelper channel = YansWifiChannelHelper::Default();
    YansWifiPhyHelper phy;
    phy.SetChannel(channel.Create());
    // 802.11n: 2.4 GHz, 20 MHz (what a crowded 2.4 GHz band allows); 802.11ac: 5 GHz, 80 MHz. Channel
    // number 0 lets ns-3 pick the standard's default channel of that width and band.
    const int width = options_.widthMhz > 0 ? options_.widthMhz : (isN ? 20 : 80);
    phy.Set("ChannelSettings", StringValue("{0, " + std::to_string(width) + (isN ? ", BAND_2_4GHZ, 0}" : ", BAND_5GHZ, 0}")));
    // One spatial stream: the Pis' on-board radios have one antenna.
    phy.Set("Antennas", UintegerValue(1));
    phy.Set("MaxSupportedTxSpatialStreams", UintegerValue(1));
    phy.Set("MaxSupportedRxSpatialStreams", UintegerValue(1));

    // No power save anywhere: ns-3's StaWifiMac has none unless asked, as the runtime turns it off on the Pis.
    // Passive scanning (beacons only): association needs no probe traffic and all stations still join
    // within a few beacon intervals.
    Ssid ssid("pis");
    WifiMacHelper mac;
    mac.SetType("ns3::StaWifiMac", "Ssid", SsidValue(ssid), "ActiveProbing", BooleanValue(false),
                "BE_MaxAmpduSize", UintegerValue(options_.maxAmpduBytes));
    stationDevices_ = wifi.Install(phy, mac, stationNodes_);
    mac.SetType("ns3::ApWifiMac", "Ssid", SsidValue(ssid), "BE_MaxAmpduSize", UintegerValue(options_.maxAmpduBytes));
    apDevices_ = wifi.Install(phy, mac, apNode_);
    wifi.AssignStreams(apDevices_, 100);
    wifi.AssignStreams(stationDevices_, 200);
  }

  void ConfigureInternet() {
    InternetStackHelper internet;
    internet.Install(apNode_);
    internet.Install(stationNodes_);
    // One /24 for the cell. Ipv4AddressHelper also installs ns-3's default queue disc (fq_codel under mq)
    // on each Wi-Fi device, as Linux would on the Pis and on the router.
    Ipv4AddressHelper addresses("10.1.0.0", "255.255.255.0");
    apAddress_ = addresses.Assign(apDevices_).GetAddress(0);
    Ipv4InterfaceContainer stationInterfaces = addresses.Assign(stationDevices_);
    for (uint32_t i = 0; i < options_.stations; ++i) {
      stationAddresses_.push_back(stationInterfaces.GetAddress(i));
      stationByAddress_[stationInterfaces.GetAddress(i).Get()] = i;
    }
    Ptr<Ipv4> apIpv4 = apNode_.Get(0)->GetObject<Ipv4>();
    apIpv4->SetAttribute("IpForward", BooleanValue(true));
    // Counted for the stderr summary: proof that --relay ip really routes through the AP (0 with --relay l2).
    apIpv4->TraceConnectWithoutContext(
        "UnicastForward", Callback<void, const Ipv4Header&, Ptr<const Packet>, uint32_t>(
                              [this](const Ipv4Header&, Ptr<const Packet>, uint32_t) { ++apForwardedPackets_; }));
    for (uint32_t i = 0; i < options_.stations; ++i) {
      Ptr<Ipv4> ipv4 = stationNodes_.Get(i)->GetObject<Ipv4>();
      ipv4->SetAttribute("IpForward", BooleanValue(false));  // the Pis are hosts, not routers
      if (options_.relay == "ip") RouteThroughAccessPoint(ipv4, ipv4->GetInterfaceForDevice(stationDevices_.Get(i)));
    }
  }

  // Replace the station's on-link route to the /24 with a route through the AP, so station-to-station IP
  // packets are addressed (at layer 2) to the AP, go up its IP stack and are forwarded back out of the same
  // Wi-Fi interface, through its queue disc. Same two air hops as the MAC relay, with the AP's IP forwarding
  // and its queue in the path.
  void RouteThroughAccessPoint(Ptr<Ipv4> ipv4, int32_t interface) {
    Ipv4StaticRoutingHelper routingHelper;
    Ptr<Ipv4StaticRouting> routing = routingHelper.GetStaticRouting(ipv4);
    for (uint32_t r = 0; r < routing->GetNRoutes(); ++r) {
      Ipv4RoutingTableEntry route = routing->GetRoute(r);
      if (route.IsNetwork() && route.GetDestNetwork() == Ipv4Address("10.1.0.0") && route.GetGateway().IsAny()) {
        routing->RemoveRoute(r);
        break;
      }
    }
    routing->AddHostRouteTo(apAddress_, interface);
    routing->SetDefaultRoute(apAddress_, interface);
  }

  // One BasicEnergySource per station (3.0 V, capacity too large to run out) feeding only its Wi-Fi radio's
  // WifiRadioEnergyModel with ns-3's default currents (idle/CCA-busy 0.273 A, rx 0.313 A, tx 0.380 A): the
  // source's consumed energy is then exactly the radio's.
  void AttachEnergyModels() {
    BasicEnergySourceHelper sourceHelper;
    sourceHelper.Set("BasicEnergySourceInitialEnergyJ", DoubleValue(1e9));
    sourceHelper.Set("BasicEnergySupplyVoltageV", DoubleValue(3.0));
    // EnergySourceContainer is an ns3::Object whose implicit copy assignment shares its aggregate table (a
    // double free at exit), so keep it local and hold plain pointers to the sources.
    EnergySourceContainer sources = sourceHelper.Install(stationNodes_);
    WifiRadioEnergyModelHelper radioEnergy;
    radioEnergy.Install(stationDevices_, sources);
    for (uint32_t i = 0; i < sources.GetN(); ++i) energySources_.push_back(sources.Get(i));
  }

  double RadioJoulesSoFar(uint32_t station) {
    Ptr<EnergySource> source = energySources_[station];
    return source->GetInitialEnergy() - source->GetRemainingEnergy();  // GetRemainingEnergy integrates to now
  }

  // ---------------------------------------------------------------- start-up: association, then connections

  void WatchAssociations() {
    for (uint32_t i = 0; i < options_.stations; ++i) {
      Ptr<WifiNetDevice> device = DynamicCast<WifiNetDevice>(stationDevices_.Get(i));
      device->GetMac()->TraceConnectWithoutContext("Assoc", Callback<void, Mac48Address>([this](Mac48Address) {
        // A station that re-associates later would count twice; none do here (static, strong signal).
        if (++associatedStations_ == options_.stations) {
          associatedAt_ = Simulator::Now().GetSeconds();
          Simulator::ScheduleNow([this] { OpenConnections(); });
        }
      }));
    }
  }

  std::vector<std::pair<uint32_t, uint32_t>> LinksOfPattern() const {
    std::vector<std::pair<uint32_t, uint32_t>> links;
    uint32_t n = options_.stations;
    switch (options_.pattern) {
      case Pattern::pingpong: links = {{0, 1}, {1, 0}}; break;
      case Pattern::stream: links = {{0, 1}}; break;
      case Pattern::ring:
      case Pattern::allreduce:
        for (uint32_t i = 0; i < n; ++i) links.emplace_back(i, (i + 1) % n);
        break;
      case Pattern::ps:
        for (uint32_t i = 1; i < n; ++i) {
          links.emplace_back(i, 0);
          links.emplace_back(0, i);
        }
        break;
    }
    return links;
  }

  // Persistent connections, one per (sender, receiver) pair the pattern uses, each used in one direction, as
  // the runtime keeps its peer connections open; their handshakes (and the ARP they trigger) happen here,
  // before any timed round.
  void OpenConnections() {
    for (auto [from, to] : LinksOfPattern()) {
      linkIndex_[{from, to}] = links_.size();
      links_.push_back(Link{from, to});
    }
    for (uint32_t station = 0; station < options_.stations; ++station) {
      bool receives = false;
      for (const Link& link : links_) receives |= link.to == station;
      if (!receives) continue;
      Ptr<Socket> listener = Socket::CreateSocket(stationNodes_.Get(station), TcpSocketFactory::GetTypeId());
      listener->Bind(InetSocketAddress(Ipv4Address::GetAny(), kPort));
      listener->Listen();
      listener->SetAcceptCallback(MakeNullCallback<bool, Ptr<Socket>, const Address&>(),
                                  Callback<void, Ptr<Socket>, const Address&>(
                                      [this, station](Ptr<Socket> socket, const Address& peer) {
                                        Accepted(station, socket, peer);
                                      }));
      listeners_.push_back(listener);
    }
    for (size_t index = 0; index < links_.size(); ++index) {
      Link& link = links_[index];
      link.sender = Socket::CreateSocket(stationNodes_.Get(link.from), TcpSocketFactory::GetTypeId());
      link.sender->Bind();
      link.sender->SetConnectCallback(Callback<void, Ptr<Socket>>([this](Ptr<Socket>) { ConnectionUp(); }),
                                      Callback<void, Ptr<Socket>>([](Ptr<Socket>) { Fail("connect failed"); }));
      link.sender->SetSendCallback(
          Callback<void, Ptr<Socket>, uint32_t>([this, index](Ptr<Socket>, uint32_t) { FillSendBuffer(index); }));
      WatchForClose(link.sender);
      link.sender->Connect(InetSocketAddress(stationAddresses_[link.to], kPort));
    }
    Simulator::Schedule(Seconds(kConnectionDeadlineSeconds), [this] {
      if (connectedAt_ < 0) Fail("not all TCP connections came up in time");
    });
  }

  void Accepted(uint32_t station, Ptr<Socket> socket, const Address& peer) {
    auto sender = stationByAddress_.find(InetSocketAddress::ConvertFrom(peer).GetIpv4().Get());
    if (sender == stationByAddress_.end()) Fail("connection from an unknown address");
    auto index = linkIndex_.find({sender->second, station});
    if (index == linkIndex_.end()) Fail("connection the pattern does not use");
    links_[index->second].receiver = socket;
    size_t linkIndex = index->second;
    socket->SetRecvCallback(Callback<void, Ptr<Socket>>([this, linkIndex](Ptr<Socket> s) { Receive(linkIndex, s); }));
    WatchForClose(socket);
    ConnectionUp();
  }

  void WatchForClose(Ptr<Socket> socket) {
    socket->SetCloseCallbacks(Callback<void, Ptr<Socket>>([this](Ptr<Socket>) { ClosedEarly(); }),
                              Callback<void, Ptr<Socket>>([this](Ptr<Socket>) { ClosedEarly(); }));
  }

  void ClosedEarly() {
    if (!finished_) Fail("a TCP connection closed during the run (retransmissions exhausted?)");
  }

  // Counts both ends: the sender's connect callback and the receiver's accept. The last handshake ACK has
  // arrived once both ends of every link are up; a short pause then lets stray ACKs and ARP settle.
  void ConnectionUp() {
    if (++connectionEndsUp_ < 2 * links_.size()) return;
    connectedAt_ = Simulator::Now().GetSeconds();
    Simulator::Schedule(MilliSeconds(100), [this] { StartRound(); });
  }

  // ---------------------------------------------------------------- messages

  void SendMessage(uint32_t from, uint32_t to, uint64_t bytes) {
    size_t index = linkIndex_.at({from, to});
    links_[index].expectedMessages.push_back(bytes);
    links_[index].unsentBytes += bytes;
    FillSendBuffer(index);
  }

  // Hands TCP as much of the pending data as its send buffer takes; TCP calls back (SetSendCallback) as the
  // buffer drains. Packets carry no payload bytes (ns-3 virtual zero-filled data): only sizes matter.
  void FillSendBuffer(size_t index) {
    Link& link = links_[index];
    while (link.unsentBytes > 0) {
      uint32_t room = link.sender->GetTxAvailable();
      if (room == 0) return;
      uint32_t chunk = static_cast<uint32_t>(std::min<uint64_t>({link.unsentBytes, room, kMaxChunkBytes}));
      int accepted = link.sender->Send(Create<Packet>(chunk));
      if (accepted <= 0) return;
      link.unsentBytes -= static_cast<uint64_t>(accepted);
    }
  }

  void Receive(size_t index, Ptr<Socket> socket) {
    while (Ptr<Packet> packet = socket->Recv()) {
      uint64_t remaining = packet->GetSize();
      if (remaining == 0) break;
      while (remaining > 0) {
        Link& link = links_[index];  // re-read: MessageReceived may send, but links_ never grows after setup
        if (link.expectedMessages.empty()) Fail("received bytes no message was sent for");
        uint64_t missing = link.expectedMessages.front() - link.receivedOfOldestMessage;
        uint64_t taken = std::min(missing, remaining);
        link.receivedOfOldestMessage += taken;
        remaining -= taken;
        if (link.receivedOfOldestMessage == link.expectedMessages.front()) {
          link.expectedMessages.pop_front();
          link.receivedOfOldestMessage = 0;
          MessageReceived(link.from, link.to);
        }
      }
    }
  }

  // ---------------------------------------------------------------- patterns

  uint64_t AllReduceChunkBytes() const { return (options_.bytes + options_.stations - 1) / options_.stations; }

  // Application payload delivered in one round, each message counted once.
  uint64_t PayloadBytesPerRound() const {
    uint64_t n = options_.stations, s = options_.bytes;
    switch (options_.pattern) {
      case Pattern::pingpong: return 2 * s;
      case Pattern::stream: return s;
      case Pattern::ring: return n * s;
      case Pattern::ps: return 2 * (n - 1) * s;
      case Pattern::allreduce: return 2 * (n - 1) * n * AllReduceChunkBytes();
    }
    return 0;
  }

  void StartRound() {
    uint32_t round = roundsDone_;
    Simulator::Schedule(Seconds(kRoundDeadlineSeconds), [this, round] {
      if (roundsDone_ == round && !finished_) Fail("round " + std::to_string(round) + " did not finish in time");
    });
    roundStartedAt_ = Simulator::Now();
    SnapshotEnergy();
    uint32_t n = options_.stations;
    messagesThisRound_ = 0;
    pushesAtServer_ = 0;
    switch (options_.pattern) {
      case Pattern::pingpong: SendMessage(0, 1, options_.bytes); break;
      case Pattern::stream:
        // All R messages at once, back to back on one connection; each one's completion closes a "round".
        for (uint32_t r = 0; r < options_.rounds; ++r) SendMessage(0, 1, options_.bytes);
        break;
      case Pattern::ring:
        for (uint32_t i = 0; i < n; ++i) SendMessage(i, (i + 1) % n, options_.bytes);
        break;
      case Pattern::ps:
        for (uint32_t i = 1; i < n; ++i) SendMessage(i, 0, options_.bytes);
        break;
      case Pattern::allreduce:
        stepsReceived_.assign(n, 0);
        stationsDone_ = 0;
        for (uint32_t i = 0; i < n; ++i) SendMessage(i, (i + 1) % n, AllReduceChunkBytes());
        break;
    }
  }

  void MessageReceived([[maybe_unused]] uint32_t from, uint32_t to) {
    uint32_t n = options_.stations;
    switch (options_.pattern) {
      case Pattern::pingpong:
        if (to == 1) SendMessage(1, 0, options_.bytes);
        else FinishRound();
        break;
      case Pattern::stream:
        FinishRound();
        break;
      case Pattern::ring:
        if (++messagesThisRound_ == n) FinishRound();
        break;
      case Pattern::ps:
        if (to == 0) {
          if (++pushesAtServer_ == n - 1)
            for (uint32_t i = 1; i < n; ++i) SendMessage(0, i, options_.bytes);
        } else if (++messagesThisRound_ == n - 1) {
          FinishRound();
        }
        break;
      case Pattern::allreduce: {
        uint32_t steps = 2 * (n - 1);
        if (++stepsReceived_[to] < steps) SendMessage(to, (to + 1) % n, AllReduceChunkBytes());
        else if (++stationsDone_ == n) FinishRound();
        break;
      }
    }
  }

  void SnapshotEnergy() {
    if (!options_.energy) return;
    energyAtRoundStart_.resize(options_.stations);
    for (uint32_t i = 0; i < options_.stations; ++i) energyAtRoundStart_[i] = RadioJoulesSoFar(i);
  }

  void FinishRound() {
    double seconds = (Simulator::Now() - roundStartedAt_).GetSeconds();
    std::string joules;
    if (options_.energy) {
      double sum = 0;
      for (uint32_t i = 0; i < options_.stations; ++i) sum += RadioJoulesSoFar(i) - energyAtRoundStart_[i];
      char text[32];
      std::snprintf(text, sizeof text, "%.6f", sum / options_.stations);
      joules = text;
    }
    double goodput = seconds > 0 ? PayloadBytesPerRound() * 8.0 / seconds : 0.0;
    std::printf("%s,%s,%u,%llu,%u,%.9f,%.0f,%s\n", options_.patternName.c_str(), options_.standard.c_str(),
                options_.stations, static_cast<unsigned long long>(options_.bytes), roundsDone_, seconds, goodput,
                joules.c_str());
    std::fflush(stdout);
    ++roundsDone_;
    if (roundsDone_ == options_.rounds) {
      finished_ = true;
      endedAt_ = Simulator::Now().GetSeconds();
      Simulator::Stop();
      return;
    }
    if (options_.pattern == Pattern::stream) {  // the next message is already on its way: restart the clock
      roundStartedAt_ = Simulator::Now();
      SnapshotEnergy();
      return;
    }
    Simulator::Schedule(Seconds(options_.gapMs / 1000.0), [this] { StartRound(); });
  }

  static constexpr uint64_t kMaxChunkBytes = 1 << 20;

  Options options_;
  NodeContainer apNode_, stationNodes_;
  NetDeviceContainer apDevices_, stationDevices_;
  Ipv4Address apAddress_;
  std::vector<Ipv4Address> stationAddresses_;
  std::map<uint32_t, uint32_t> stationByAddress_;
  std::vector<Ptr<EnergySource>> energySources_;
  std::vector<double> energyAtRoundStart_;

  std::vector<Link> links_;
  std::map<std::pair<uint32_t, uint32_t>, size_t> linkIndex_;
  std::vector<Ptr<Socket>> listeners_;
  uint32_t associatedStations_ = 0;
  size_t connectionEndsUp_ = 0;

  Time roundStartedAt_;
  uint32_t roundsDone_ = 0;
  uint32_t messagesThisRound_ = 0;
  uint32_t pushesAtServer_ = 0;
  std::vector<uint32_t> stepsReceived_;
  uint32_t stationsDone_ = 0;
  bool finished_ = false;

  uint64_t apForwardedPackets_ = 0;
  double associatedAt_ = -1, connectedAt_ = -1, endedAt_ = -1;
  std::chrono::steady_clock::time_point wallStart_;
};

// ns-3 attribute defaults, set before any object exists.
void ConfigureDefaults(const Options& options) {
  RngSeedManager::SetSeed(1);
  RngSeedManager::SetRun(options.seed);
  // TCP: Cubic, Linux's default (and 3.37's; set explicitly so a changed default cannot slip in).
  Config::SetDefault("ns3::TcpL4Protocol::SocketType", TypeIdValue(TcpCubic::GetTypeId()));
  // 1448 = 1500-byte MTU - 20 (IP) - 20 (TCP) - 12 (timestamps option), Linux's MSS on Ethernet/Wi-Fi.
  Config::SetDefault("ns3::TcpSocket::SegmentSize", UintegerValue(1448));
  // 4 MiB buffers so the socket, not the window, never throttles (the bandwidth-delay product is < 100 KB);
  // the receive buffer also sets the window-scale shift at connect time.
  Config::SetDefault("ns3::TcpSocket::SndBufSize", UintegerValue(4 << 20));
  Config::SetDefault("ns3::TcpSocket::RcvBufSize", UintegerValue(4 << 20));
  // Linux's minimum RTO is 200 ms; ns-3's default of 1 s would turn every timeout into a multi-second stall.
  Config::SetDefault("ns3::TcpSocketBase::MinRto", TimeValue(MilliSeconds(200)));
  // Delayed ACKs at most 40 ms (Linux's TCP_ATO_MIN, where its adaptive delayed-ACK timer starts). ns-3's
  // fixed 200 ms equals the RTO floor above: after one timeout the sender (cwnd 1) times out again just
  // before the receiver's delayed ACK fires, and the flow crawls at one segment per RTO for good (seen as
  // 146 s rounds in an 8-station ring). Linux avoids that with quick-ACK mode and an RTO of srtt + 200 ms.
  Config::SetDefault("ns3::TcpSocket::DelAckTimeout", TimeValue(MilliSeconds(40)));
  // Linux refreshes neighbours without stalling traffic; ns-3's ARP expires an entry after 120 s and then
  // queues only 3 packets while it asks again. Long runs must not see that artefact.
  Config::SetDefault("ns3::ArpCache::AliveTimeout", TimeValue(Seconds(24 * 3600)));
  Config::SetDefault("ns3::ArpCache::PendingQueueSize", UintegerValue(64));
  // Works around an ns-3 3.37 Block Ack bug that otherwise stalls flows for good. With the default 1 ms, an
  // originator whose ADDBA Response is late (the recipient is contending with many busy stations) gives up,
  // sends a few MPDUs under normal Ack, then accepts the late Response anyway: the agreement starts at the
  // sequence number of the Request, the recipient's reorder window waits for MPDUs that were already
  // delivered, holds every later one, and TCP dies after its retransmissions (seen with 4 stations in a
  // ring). Linux's mac80211 waits 1 s (ADDBA_RESP_INTERVAL = HZ) for the Response; do the same.
  Config::SetDefault("ns3::QosTxop::AddBaResponseTimeout", TimeValue(Seconds(1)));
  if (!options.ns3Arguments.empty()) {
    std::vector<std::string> storage{"wifi_ns3_patterns"};
    storage.insert(storage.end(), options.ns3Arguments.begin(), options.ns3Arguments.end());
    std::vector<char*> argv;
    for (auto& s : storage) argv.push_back(s.data());
    CommandLine commandLine;
    commandLine.Parse(static_cast<int>(argv.size()), argv.data());
  }
}

}  // namespace

int main(int argc, char** argv) {
  Options options = ParseOptions(argc, argv);
  ConfigureDefaults(options);
  std::printf("pattern,standard,stations,bytes,round,seconds,goodput_bps,radio_joules_mean\n");
  PatternExperiment experiment(options);
  experiment.Run();
  return 0;
}
