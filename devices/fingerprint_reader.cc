#include "devices/fingerprint_reader.h"

#include <fprint.h>
#include <glib-unix.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <deque>
#include <map>
#include <mutex>
#include <string_view>
#include <thread>
#include <utility>

#include "devices/fprint_error.h"

namespace dancu::devices {
namespace {

using internal::FromGError;
using internal::MakeError;

// Set while a FingerprintReader exists: it owns GLib's default main context.
std::atomic<bool> reader_exists{false};

// Our id of a device, attached to its FpDevice.
constexpr char kDeviceIdKey[] = "dancu-device-id";

struct GObjectUnref {
  void operator()(gpointer object) const { g_object_unref(object); }
};
template <typename T>
using GObjectPtr = std::unique_ptr<T, GObjectUnref>;

// Decodes `blob` for use on `device`; null if it is corrupt or from another kind of device.
GObjectPtr<FpPrint> DecodeTemplate(const Template& blob, FpDevice* device) {
  // fp_print_deserialize aborts the process on blobs shorter than its 4-byte minimum.
  if (blob.size() <= 3) return nullptr;
  g_autoptr(GError) error = nullptr;
  GObjectPtr<FpPrint> print(fp_print_deserialize(blob.data(), blob.size(), &error));
  if (print && !fp_print_compatible(print.get(), device)) print.reset();
  return print;
}

// One libfprint call on one device: how to start it and how to hand its outcome to the caller.
// Built on the calling thread from plain C++ data; started, finished and destroyed on the reader
// thread, so the GLib objects it creates never leave that thread.
class Operation {
 public:
  Operation(std::string device_id, std::chrono::milliseconds timeout, ScanCallback on_event)
      : device_id_(std::move(device_id)), timeout_(timeout), on_event_(std::move(on_event)) {}
  virtual ~Operation() = default;

  const std::string& device_id() const { return device_id_; }
  std::chrono::milliseconds timeout() const { return timeout_; }
  void Emit(const ScanEvent& event) const {
    if (on_event_) on_event_(event);
  }

  // Starts the call on `device`, to complete through done(device, result, done_data). An error
  // means that nothing was started.
  virtual std::optional<Error> Start(FpDevice* device, GCancellable* cancellable,
                                     GAsyncReadyCallback done, gpointer done_data) = 0;
  // Collects the call's outcome: fulfils the caller's future and returns true, or sets *error.
  virtual bool Finish(FpDevice* device, GAsyncResult* result, GError** error) = 0;
  // Fulfils the caller's future with `error`.
  virtual void Fail(Error error) = 0;
  // Whether the operation applies to a device that was unplugged while open.
  virtual bool ReachesRemovedDevice() const { return false; }

 private:
  const std::string device_id_;
  const std::chrono::milliseconds timeout_;
  const ScanCallback on_event_;
};

template <typename T>
class PromisedOperation : public Operation {
 public:
  using Operation::Operation;
  std::future<Result<T>> future() { return promise_.get_future(); }
  void Fail(Error error) final { promise_.set_value(std::move(error)); }

 protected:
  void Resolve(Result<T> result) { promise_.set_value(std::move(result)); }

 private:
  std::promise<Result<T>> promise_;
};

class OpenOperation final : public PromisedOperation<void> {
 public:
  OpenOperation(std::string device_id, std::chrono::milliseconds timeout)
      : PromisedOperation(std::move(device_id), timeout, nullptr) {}

  std::optional<Error> Start(FpDevice* device, GCancellable* cancellable,
                             GAsyncReadyCallback done, gpointer done_data) override {
    fp_device_open(device, cancellable, done, done_data);
    return std::nullopt;
  }

  bool Finish(FpDevice* device, GAsyncResult* result, GError** error) override {
    if (!fp_device_open_finish(device, result, error)) return false;
    Resolve(Result<void>());
    return true;
  }
};

class CloseOperation final : public PromisedOperation<void> {
 public:
  CloseOperation(std::string device_id, std::chrono::milliseconds timeout)
      : PromisedOperation(std::move(device_id), timeout, nullptr) {}

  std::optional<Error> Start(FpDevice* device, GCancellable* cancellable,
                             GAsyncReadyCallback done, gpointer done_data) override {
    fp_device_close(device, cancellable, done, done_data);
    return std::nullopt;
  }

  bool Finish(FpDevice* device, GAsyncResult* result, GError** error) override {
    // libfprint reports kDeviceRemoved for an unplugged device, yet closes it all the same.
    if (!fp_device_close_finish(device, result, error) &&
        !g_error_matches(*error, FP_DEVICE_ERROR, FP_DEVICE_ERROR_REMOVED)) {
      return false;
    }
    g_clear_error(error);
    Resolve(Result<void>());
    return true;
  }

  bool ReachesRemovedDevice() const override { return true; }  // closing releases it
};

class EnrollOperation final : public PromisedOperation<Template> {
 public:
  EnrollOperation(std::string device_id, ScanOptions options)
      : PromisedOperation(std::move(device_id), options.timeout, std::move(options.on_event)) {}

  std::optional<Error> Start(FpDevice* device, GCancellable* cancellable,
                             GAsyncReadyCallback done, gpointer done_data) override {
    // fp_print_new returns a floating reference, which fp_device_enroll sinks.
    fp_device_enroll(device, fp_print_new(device), cancellable, &EnrollOperation::OnProgress,
                     this, nullptr, done, done_data);
    return std::nullopt;
  }

  bool Finish(FpDevice* device, GAsyncResult* result, GError** error) override {
    GObjectPtr<FpPrint> print(fp_device_enroll_finish(device, result, error));
    if (!print) return false;
    guchar* data = nullptr;
    gsize size = 0;
    if (!fp_print_serialize(print.get(), &data, &size, error)) return false;
    Template blob(data, data + size);
    g_free(data);
    Resolve(std::move(blob));
    return true;
  }

 private:
  static void OnProgress(FpDevice* device, gint completed_stages, FpPrint* /*print*/,
                         gpointer self, GError* error) {
    auto* operation = static_cast<EnrollOperation*>(self);
    ScanEvent event;
    event.kind = error ? ScanEvent::Kind::kRetry : ScanEvent::Kind::kStageCompleted;
    event.completed_stages = completed_stages;
    event.total_stages = fp_device_get_nr_enroll_stages(device);
    if (error) event.retry = FromGError(*error, operation->device_id(), std::nullopt);
    operation->Emit(event);
  }
};

class VerifyOperation final : public PromisedOperation<bool> {
 public:
  VerifyOperation(std::string device_id, Template enrolled, ScanOptions options)
      : PromisedOperation(std::move(device_id), options.timeout, std::move(options.on_event)),
        enrolled_(std::move(enrolled)) {}

  std::optional<Error> Start(FpDevice* device, GCancellable* cancellable,
                             GAsyncReadyCallback done, gpointer done_data) override {
    const GObjectPtr<FpPrint> print = DecodeTemplate(enrolled_, device);
    if (!print) return MakeError(ErrorCode::kInvalidTemplate, device_id());
    // fp_device_verify keeps its own reference to the print.
    fp_device_verify(device, print.get(), cancellable, nullptr, nullptr, nullptr, done,
                     done_data);
    return std::nullopt;
  }

  bool Finish(FpDevice* device, GAsyncResult* result, GError** error) override {
    gboolean match = FALSE;
    if (!fp_device_verify_finish(device, result, &match, nullptr, error)) return false;
    Resolve(match != FALSE);
    return true;
  }

 private:
  const Template enrolled_;
};

class IdentifyOperation final : public PromisedOperation<std::optional<std::size_t>> {
 public:
  IdentifyOperation(std::string device_id, std::vector<Template> gallery, ScanOptions options)
      : PromisedOperation(std::move(device_id), options.timeout, std::move(options.on_event)),
        gallery_(std::move(gallery)) {}

  ~IdentifyOperation() override {
    if (prints_) g_ptr_array_unref(prints_);
  }

  std::optional<Error> Start(FpDevice* device, GCancellable* cancellable,
                             GAsyncReadyCallback done, gpointer done_data) override {
    if (gallery_.empty()) {
      return MakeError(ErrorCode::kInvalidArgument, device_id(), "empty gallery");
    }
    prints_ = g_ptr_array_new_with_free_func(g_object_unref);
    for (std::size_t i = 0; i < gallery_.size(); ++i) {
      GObjectPtr<FpPrint> print = DecodeTemplate(gallery_[i], device);
      if (!print) {
        return MakeError(ErrorCode::kInvalidTemplate, device_id(),
                         "gallery entry " + std::to_string(i));
      }
      g_ptr_array_add(prints_, print.release());
    }
    fp_device_identify(device, prints_, cancellable, nullptr, nullptr, nullptr, done, done_data);
    return std::nullopt;
  }

  bool Finish(FpDevice* device, GAsyncResult* result, GError** error) override {
    FpPrint* match = nullptr;
    const bool ok = fp_device_identify_finish(device, result, &match, nullptr, error);
    const GObjectPtr<FpPrint> matched(match);  // the gallery's own FpPrint, when one matched
    if (!ok) return false;
    std::optional<std::size_t> index;
    for (guint i = 0; i < prints_->len && !index; ++i) {
      if (g_ptr_array_index(prints_, i) == matched.get()) index = i;
    }
    Resolve(index);
    return true;
  }

 private:
  const std::vector<Template> gallery_;
  GPtrArray* prints_ = nullptr;  // gallery_ decoded, on the reader thread
};

}  // namespace

class FingerprintReader::Impl {
 public:
  Impl() = default;
  ~Impl();
  Impl(const Impl&) = delete;
  Impl& operator=(const Impl&) = delete;

  // Starts the reader thread; returns once it has enumerated the devices.
  std::optional<Error> Start();

  // Any thread: queues `task` to run on the reader thread.
  void Post(std::function<void()> task);

  // Any thread: queues `operation` and returns its future.
  template <typename Op>
  auto Submit(std::shared_ptr<Op> operation) {
    auto future = operation->future();
    Post([this, operation = std::move(operation)] { Begin(operation); });
    return future;
  }

  // Reader thread.
  std::vector<DeviceInfo> ListDevices();
  void Cancel(const std::string& device_id);

 private:
  // An operation in flight, with its cancellable, its timeout and its finger-status watch.
  struct Running {
    Running(Impl* owner, std::shared_ptr<Operation> op, GObjectPtr<FpDevice> dev);
    ~Running();
    Running(const Running&) = delete;
    Running& operator=(const Running&) = delete;

    // Cancels the call once, remembering why; a later reason does not override the first.
    void Abort(ErrorCode why);

    Impl* const impl;
    const std::shared_ptr<Operation> operation;
    const GObjectPtr<FpDevice> device;
    const GObjectPtr<GCancellable> cancellable;
    GSource* timer = nullptr;
    gulong finger_status_handler = 0;
    bool finger_needed = false;
    std::optional<ErrorCode> aborted;
  };

  void Run(std::promise<std::optional<Error>> started);
  void ShutDown();
  void DrainQueue();
  void Begin(const std::shared_ptr<Operation>& operation);
  // The devices libfprint knows. An unplugged device stays there until closed, and only
  // `include_removed` shows it.
  std::vector<GObjectPtr<FpDevice>> Devices(bool include_removed);
  GObjectPtr<FpDevice> FindDevice(const std::string& device_id, bool include_removed);
  std::string IdOf(FpDevice* device);

  static gboolean OnWakeup(gint fd, GIOCondition condition, gpointer self);
  static void OnDone(GObject* device, GAsyncResult* result, gpointer running);
  static gboolean OnTimeout(gpointer running);
  static void OnFingerStatus(FpDevice* device, GParamSpec* pspec, gpointer running);

  bool registered_ = false;  // this Impl set reader_exists
  int wakeup_fd_ = -1;       // eventfd: Post writes, the reader thread polls it
  std::thread thread_;

  std::mutex mu_;
  std::deque<std::function<void()>> queue_;  // guarded by mu_

  // Reader thread only.
  FpContext* context_ = nullptr;
  GMainLoop* loop_ = nullptr;
  std::map<std::string, std::unique_ptr<Running>> running_;  // by device id
  std::map<std::string, int> devices_seen_;                  // by driver, to number device ids
};

FingerprintReader::Impl::Running::Running(Impl* owner, std::shared_ptr<Operation> op,
                                          GObjectPtr<FpDevice> dev)
    : impl(owner), operation(std::move(op)), device(std::move(dev)),
      cancellable(g_cancellable_new()) {
  const auto millis = std::clamp<std::chrono::milliseconds::rep>(operation->timeout().count(), 0,
                                                                  G_MAXUINT);
  timer = g_timeout_source_new(static_cast<guint>(millis));
  g_source_set_callback(timer, &Impl::OnTimeout, this, nullptr);
  g_source_attach(timer, g_main_context_default());
  finger_status_handler = g_signal_connect(device.get(), "notify::finger-status",
                                           G_CALLBACK(&Impl::OnFingerStatus), this);
}

FingerprintReader::Impl::Running::~Running() {
  g_signal_handler_disconnect(device.get(), finger_status_handler);
  g_source_destroy(timer);
  g_source_unref(timer);
}

void FingerprintReader::Impl::Running::Abort(ErrorCode why) {
  if (aborted) return;
  aborted = why;
  g_cancellable_cancel(cancellable.get());
}

FingerprintReader::Impl::~Impl() {
  if (thread_.joinable()) {
    Post([this] { g_main_loop_quit(loop_); });
    thread_.join();
  }
  if (wakeup_fd_ >= 0) close(wakeup_fd_);
  if (registered_) reader_exists = false;
}

std::optional<Error> FingerprintReader::Impl::Start() {
  if (reader_exists.exchange(true)) {
    return Error(ErrorCode::kUnavailable, "another FingerprintReader runs in this process");
  }
  registered_ = true;
  wakeup_fd_ = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (wakeup_fd_ < 0) return Error(ErrorCode::kUnavailable, "cannot create an eventfd");
  std::promise<std::optional<Error>> started;
  std::future<std::optional<Error>> ready = started.get_future();
  thread_ = std::thread(&Impl::Run, this, std::move(started));
  std::optional<Error> error = ready.get();
  if (error) thread_.join();
  return error;
}

void FingerprintReader::Impl::Run(std::promise<std::optional<Error>> started) {
  GMainContext* main_context = g_main_context_default();
  if (!g_main_context_acquire(main_context)) {
    started.set_value(Error(ErrorCode::kUnavailable,
                            "GLib's default main context is owned by another thread"));
    return;
  }
  context_ = fp_context_new();
  fp_context_enumerate(context_);
  loop_ = g_main_loop_new(main_context, FALSE);
  const guint wakeup = g_unix_fd_add(wakeup_fd_, G_IO_IN, &Impl::OnWakeup, this);
  started.set_value(std::nullopt);

  g_main_loop_run(loop_);

  ShutDown();
  g_source_remove(wakeup);
  g_main_loop_unref(loop_);
  g_main_context_release(main_context);
}

void FingerprintReader::Impl::ShutDown() {
  GMainContext* main_context = g_main_context_default();
  for (auto& [id, running] : running_) running->Abort(ErrorCode::kCancelled);
  while (!running_.empty()) g_main_context_iteration(main_context, TRUE);
  for (const GObjectPtr<FpDevice>& device : Devices(/*include_removed=*/true)) {
    if (fp_device_is_open(device.get())) fp_device_close_sync(device.get(), nullptr, nullptr);
  }
  // libfprint queues work on the default context (e.g. dropping unplugged devices) that must
  // run before its objects go, or a later FingerprintReader would run it on freed memory.
  while (g_main_context_pending(main_context)) g_main_context_iteration(main_context, FALSE);
  g_clear_object(&context_);
  while (g_main_context_pending(main_context)) g_main_context_iteration(main_context, FALSE);
}

void FingerprintReader::Impl::Post(std::function<void()> task) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    queue_.push_back(std::move(task));
  }
  const std::uint64_t one = 1;
  // Writing to an eventfd fails only when its counter would overflow 2^64 - 2.
  [[maybe_unused]] const ssize_t written = write(wakeup_fd_, &one, sizeof one);
}

gboolean FingerprintReader::Impl::OnWakeup(gint fd, GIOCondition /*condition*/, gpointer self) {
  std::uint64_t count = 0;
  [[maybe_unused]] const ssize_t read_bytes = read(fd, &count, sizeof count);  // resets it
  static_cast<Impl*>(self)->DrainQueue();
  return G_SOURCE_CONTINUE;
}

void FingerprintReader::Impl::DrainQueue() {
  std::deque<std::function<void()>> tasks;
  {
    std::lock_guard<std::mutex> lock(mu_);
    tasks.swap(queue_);
  }
  for (std::function<void()>& task : tasks) task();
}

std::vector<GObjectPtr<FpDevice>> FingerprintReader::Impl::Devices(bool include_removed) {
  std::vector<GObjectPtr<FpDevice>> devices;
  GPtrArray* all = fp_context_get_devices(context_);
  for (guint i = 0; i < all->len; ++i) {
    auto* device = FP_DEVICE(g_ptr_array_index(all, i));
    gboolean removed = FALSE;
    g_object_get(device, "removed", &removed, nullptr);
    if (!removed || include_removed) devices.emplace_back(FP_DEVICE(g_object_ref(device)));
  }
  return devices;
}

std::string FingerprintReader::Impl::IdOf(FpDevice* device) {
  if (const void* id = g_object_get_data(G_OBJECT(device), kDeviceIdKey)) {
    return static_cast<const char*>(id);
  }
  const std::string driver = fp_device_get_driver(device);
  const std::string id = driver + "/" + std::to_string(devices_seen_[driver]++);
  g_object_set_data_full(G_OBJECT(device), kDeviceIdKey, g_strdup(id.c_str()), g_free);
  return id;
}

GObjectPtr<FpDevice> FingerprintReader::Impl::FindDevice(const std::string& device_id,
                                                          bool include_removed) {
  for (GObjectPtr<FpDevice>& device : Devices(include_removed)) {
    if (IdOf(device.get()) == device_id) return std::move(device);
  }
  return nullptr;
}

std::vector<DeviceInfo> FingerprintReader::Impl::ListDevices() {
  std::vector<DeviceInfo> infos;
  for (const GObjectPtr<FpDevice>& device : Devices(/*include_removed=*/false)) {
    DeviceInfo& info = infos.emplace_back();
    info.id = IdOf(device.get());
    info.name = fp_device_get_name(device.get());
    info.driver = fp_device_get_driver(device.get());
    info.enroll_stages = fp_device_get_nr_enroll_stages(device.get());
    info.supports_identify = fp_device_has_feature(device.get(), FP_DEVICE_FEATURE_IDENTIFY);
  }
  return infos;
}

void FingerprintReader::Impl::Begin(const std::shared_ptr<Operation>& operation) {
  const std::string& id = operation->device_id();
  GObjectPtr<FpDevice> device = FindDevice(id, operation->ReachesRemovedDevice());
  if (!device) return operation->Fail(MakeError(ErrorCode::kDeviceNotFound, id));
  if (running_.contains(id)) return operation->Fail(MakeError(ErrorCode::kBusy, id));
  auto running = std::make_unique<Running>(this, operation, std::move(device));
  Running& started = *running;
  running_.emplace(id, std::move(running));
  // libfprint completes even immediate failures from a later main-loop iteration, so OnDone
  // always finds the operation registered.
  if (std::optional<Error> error = operation->Start(started.device.get(),
                                                    started.cancellable.get(),
                                                    &Impl::OnDone, &started)) {
    running_.erase(id);
    operation->Fail(std::move(*error));
  }
}

void FingerprintReader::Impl::Cancel(const std::string& device_id) {
  if (auto it = running_.find(device_id); it != running_.end()) {
    it->second->Abort(ErrorCode::kCancelled);
  }
}

void FingerprintReader::Impl::OnDone(GObject* device, GAsyncResult* result, gpointer running) {
  auto* done = static_cast<Running*>(running);
  Operation& operation = *done->operation;
  const std::unique_ptr<Running> owned =
      std::move(done->impl->running_.extract(operation.device_id()).mapped());
  g_autoptr(GError) error = nullptr;
  if (operation.Finish(FP_DEVICE(device), result, &error)) return;
  operation.Fail(error ? FromGError(*error, operation.device_id(), owned->aborted)
                       : MakeError(ErrorCode::kDeviceFailed, operation.device_id()));
}

gboolean FingerprintReader::Impl::OnTimeout(gpointer running) {
  static_cast<Running*>(running)->Abort(ErrorCode::kTimedOut);
  return G_SOURCE_REMOVE;
}

void FingerprintReader::Impl::OnFingerStatus(FpDevice* device, GParamSpec* /*pspec*/,
                                             gpointer running) {
  auto* watched = static_cast<Running*>(running);
  const bool needed = (fp_device_get_finger_status(device) & FP_FINGER_STATUS_NEEDED) != 0;
  if (needed && !watched->finger_needed) {
    ScanEvent event;
    event.kind = ScanEvent::Kind::kPlaceFinger;
    watched->operation->Emit(event);
  }
  watched->finger_needed = needed;
}

Result<std::unique_ptr<FingerprintReader>> FingerprintReader::Start() {
  auto impl = std::make_unique<Impl>();
  if (std::optional<Error> error = impl->Start()) return std::move(*error);
  return std::unique_ptr<FingerprintReader>(new FingerprintReader(std::move(impl)));
}

FingerprintReader::FingerprintReader(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

FingerprintReader::~FingerprintReader() = default;

std::future<std::vector<DeviceInfo>> FingerprintReader::ListDevices() {
  auto promise = std::make_shared<std::promise<std::vector<DeviceInfo>>>();
  std::future<std::vector<DeviceInfo>> future = promise->get_future();
  impl_->Post([impl = impl_.get(), promise] { promise->set_value(impl->ListDevices()); });
  return future;
}

std::future<Result<void>> FingerprintReader::Open(std::string device_id,
                                                  std::chrono::milliseconds timeout) {
  return impl_->Submit(std::make_shared<OpenOperation>(std::move(device_id), timeout));
}

std::future<Result<void>> FingerprintReader::Close(std::string device_id,
                                                   std::chrono::milliseconds timeout) {
  return impl_->Submit(std::make_shared<CloseOperation>(std::move(device_id), timeout));
}

std::future<Result<Template>> FingerprintReader::Enroll(std::string device_id,
                                                        ScanOptions options) {
  return impl_->Submit(
      std::make_shared<EnrollOperation>(std::move(device_id), std::move(options)));
}

std::future<Result<bool>> FingerprintReader::Verify(std::string device_id, Template enrolled,
                                                    ScanOptions options) {
  return impl_->Submit(std::make_shared<VerifyOperation>(std::move(device_id),
                                                         std::move(enrolled),
                                                         std::move(options)));
}

std::future<Result<std::optional<std::size_t>>> FingerprintReader::Identify(
    std::string device_id, std::vector<Template> gallery, ScanOptions options) {
  return impl_->Submit(std::make_shared<IdentifyOperation>(std::move(device_id),
                                                           std::move(gallery),
                                                           std::move(options)));
}

void FingerprintReader::Cancel(std::string device_id) {
  impl_->Post([impl = impl_.get(), id = std::move(device_id)] { impl->Cancel(id); });
}

}  // namespace dancu::devices
