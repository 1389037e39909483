// vigil's native part: one AF_PACKET socket that sends whole Ethernet frames out of one interface, the way
// Keepalived sends gratuitous ARP and unsolicited neighbour advertisements (vrrp_arp.c, vrrp_ndisc.c).
// Nothing else lives here: the frames are built in TypeScript (packages/core/src/vrrp/io/arp.ts, ndisc.ts).
//
// JS API (index.d.ts):  new PacketSocket(ifindex)  .send(frame) -> bytes  .close()  .ifindex  .closed
// Errors are thrown as JS Errors carrying errno (positive, as errno(3)), code ('ENODEV') and syscall.
#include <napi.h>
#include <uv.h>

#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <string>

#ifdef __linux__
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <sys/socket.h>
#include <unistd.h>
#endif

namespace {

Napi::Error ErrnoError(Napi::Env env, int err, const char* syscall, const std::string& context) {
  const std::string code = uv_err_name(-err);
  Napi::Error e = Napi::Error::New(env, std::string(syscall) + " " + code + " (" + std::strerror(err) + ") " + context);
  e.Set("errno", Napi::Number::New(env, err));
  e.Set("code", Napi::String::New(env, code));
  e.Set("syscall", Napi::String::New(env, syscall));
  return e;
}

class PacketSocket : public Napi::ObjectWrap<PacketSocket> {
 public:
  static Napi::Function Init(Napi::Env env) {
    return DefineClass(env, "PacketSocket",
                       {
                           InstanceMethod<&PacketSocket::Send>("send"),
                           InstanceMethod<&PacketSocket::Close>("close"),
                           InstanceAccessor<&PacketSocket::Ifindex>("ifindex"),
                           InstanceAccessor<&PacketSocket::Closed>("closed"),
                       });
  }

  explicit PacketSocket(const Napi::CallbackInfo& info) : Napi::ObjectWrap<PacketSocket>(info) {
    Napi::Env env = info.Env();
    const double index = info.Length() > 0 && info[0].IsNumber() ? info[0].As<Napi::Number>().DoubleValue() : 0;
    if (!(index >= 1 && index <= INT32_MAX && std::floor(index) == index)) {
      Napi::TypeError::New(env, "PacketSocket: ifindex must be an integer from 1").ThrowAsJavaScriptException();
      return;
    }
    ifindex_ = static_cast<int>(index);
#ifdef __linux__
    // Protocol 0: the socket is bound to no protocol, so the kernel queues nothing to it; it only sends.
    fd_ = socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd_ < 0) {
      ErrnoError(env, errno, "socket", "(AF_PACKET needs CAP_NET_RAW: run as root)").ThrowAsJavaScriptException();
    }
#else
    ErrnoError(env, ENOSYS, "socket", "(AF_PACKET sockets exist only on Linux)").ThrowAsJavaScriptException();
#endif
  }

  ~PacketSocket() override { CloseFd(); }

 private:
  // send(frame: Uint8Array): number. The frame starts with its Ethernet header; the kernel adds no header and
  // no padding. Non-blocking: a full device queue is EAGAIN, thrown like any other error.
  Napi::Value Send(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (info.Length() < 1 || !info[0].IsTypedArray() ||
        info[0].As<Napi::TypedArray>().TypedArrayType() != napi_uint8_array) {
      Napi::TypeError::New(env, "PacketSocket.send: frame must be a Buffer or Uint8Array").ThrowAsJavaScriptException();
      return env.Undefined();
    }
    Napi::Uint8Array frame = info[0].As<Napi::Uint8Array>();
    const uint8_t* data = frame.Data();
    const size_t length = frame.ByteLength();
    if (fd_ < 0) {
      ErrnoError(env, EBADF, "sendto", "(the socket is closed)").ThrowAsJavaScriptException();
      return env.Undefined();
    }
#ifdef __linux__
    if (length < ETH_HLEN) {
      Napi::RangeError::New(env, "PacketSocket.send: a frame is at least an Ethernet header (14 bytes)")
          .ThrowAsJavaScriptException();
      return env.Undefined();
    }
    struct sockaddr_ll sll;
    std::memset(&sll, 0, sizeof sll);
    sll.sll_family = AF_PACKET;
    sll.sll_ifindex = ifindex_;
    std::memcpy(&sll.sll_protocol, data + 12, 2);  // the frame's EtherType, already in network order
    sll.sll_halen = ETH_ALEN;
    std::memcpy(sll.sll_addr, data, ETH_ALEN);
    ssize_t sent;
    do {
      sent = sendto(fd_, data, length, 0, reinterpret_cast<struct sockaddr*>(&sll), sizeof sll);
    } while (sent < 0 && errno == EINTR);
    if (sent < 0) {
      ErrnoError(env, errno, "sendto", "on ifindex " + std::to_string(ifindex_)).ThrowAsJavaScriptException();
      return env.Undefined();
    }
    return Napi::Number::New(env, static_cast<double>(sent));
#else
    (void)data;
    (void)length;
    return env.Undefined();
#endif
  }

  Napi::Value Close(const Napi::CallbackInfo& info) {
    CloseFd();
    return info.Env().Undefined();
  }

  Napi::Value Ifindex(const Napi::CallbackInfo& info) { return Napi::Number::New(info.Env(), ifindex_); }

  Napi::Value Closed(const Napi::CallbackInfo& info) { return Napi::Boolean::New(info.Env(), fd_ < 0); }

  void CloseFd() {
#ifdef __linux__
    if (fd_ >= 0) close(fd_);
#endif
    fd_ = -1;
  }

  int fd_ = -1;
  int ifindex_ = 0;
};

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("PacketSocket", PacketSocket::Init(env));
  return exports;
}

}  // namespace

NODE_API_MODULE(vigil_native, Init)
