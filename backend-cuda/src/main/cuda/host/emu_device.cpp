// The host emulator as a shared library: Nabla's kernels (nabla_kernels.cu compiled by g++ with
// NABLA_HOST_EMULATION) plus a tiny "device" the Java tests reach through the FFM API in place of
// the CUDA driver: memory with red zones, kernel lookup by name, launches with cuLaunchKernel's
// argument convention (void** kernelParams).
//
// Build: g++ -std=c++17 -O2 -fno-strict-aliasing -shared -fPIC -I<cuda dir> -o libnabla_emu.so
//        <cuda dir>/host/emu_device.cpp
//
// Device memory is host memory. Every allocation is 256-byte aligned (as cuMemAlloc's) and sits
// between red zones of 0xFF bytes (a NaN in float32 and float64): a kernel that reads past an end
// gets NaNs, which the tests see, and one that writes past an end is reported by the guard check
// after every launch. Fresh allocations are filled with 0xFF too, so nothing relies on memory
// being zero without clearing it. A capacity makes allocations fail as a full GPU would.
#define NABLA_HOST_EMULATION 1
#include "../nabla_kernels.cu"

#include <ucontext.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

namespace emu {
Dim3 threadIdx_, blockIdx_, blockDim_, gridDim_;

namespace {
struct KernelEntry {
    std::string name;
    void* fn;
    Invoker invoker;
    int paramCount;
};

std::vector<KernelEntry>& registry() {
    static std::vector<KernelEntry> entries;
    return entries;
}

struct Failure : std::runtime_error {
    explicit Failure(const std::string& m) : std::runtime_error(m) {}
};

enum State { READY, AT_BARRIER, DONE };

// Context switching. On x86-64 a fiber switch is 6 pushes, a stack swap and 6 pops (no system call:
// swapcontext saves the signal mask with two, which made the emulator ten times slower); elsewhere
// ucontext. Fibers are persistent: each loops "run one CUDA thread, report done, wait", so a block
// costs no fiber creation; a fiber abandoned by a failed launch is reset to a fresh stack.
#if defined(__x86_64__)
extern "C" void nabla_emu_switch(void** save, void* load);
asm(R"(
    .text
    .globl nabla_emu_switch
    .hidden nabla_emu_switch
    .type nabla_emu_switch, @function
nabla_emu_switch:
    pushq %rbp
    pushq %rbx
    pushq %r12
    pushq %r13
    pushq %r14
    pushq %r15
    movq %rsp, (%rdi)
    movq %rsi, %rsp
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %rbx
    popq %rbp
    ret
    .size nabla_emu_switch, .-nabla_emu_switch
)");
#define NABLA_FAST_SWITCH 1
#endif

struct Fiber {
    char* stack = nullptr;
    Dim3 idx{0, 0, 0};
    State state = DONE;
#ifdef NABLA_FAST_SWITCH
    void* sp = nullptr;
#else
    ucontext_t ctx;
#endif
};

const std::size_t STACK_BYTES = 256 * 1024;
#ifdef NABLA_FAST_SWITCH
void* schedulerSp = nullptr;
#else
ucontext_t scheduler;
#endif
std::vector<Fiber> fibers;
Fiber* current = nullptr;
const KernelEntry* runningKernel = nullptr;
void** runningParams = nullptr;
std::string fiberError;
bool reverseOrder = false;

void toScheduler() {
#ifdef NABLA_FAST_SWITCH
    nabla_emu_switch(&current->sp, schedulerSp);
#else
    swapcontext(&current->ctx, &scheduler);
#endif
}

void toFiber(Fiber& f) {
    current = &f;
    threadIdx_ = f.idx;
#ifdef NABLA_FAST_SWITCH
    nabla_emu_switch(&schedulerSp, f.sp);
#else
    swapcontext(&scheduler, &f.ctx);
#endif
}

[[noreturn]] void fiberMain() {
    for (;;) {
        try {
            runningKernel->invoker(runningKernel->fn, runningParams);
        } catch (const std::exception& e) {
            if (fiberError.empty()) fiberError = e.what();
        }
        current->state = DONE;
        toScheduler();
    }
}

// Gives a fiber a fresh stack whose first switch enters fiberMain.
void resetFiber(Fiber& f) {
    if (f.stack == nullptr) f.stack = static_cast<char*>(std::malloc(STACK_BYTES));
    if (f.stack == nullptr) throw Failure("emulator: out of host memory for fiber stacks");
#ifdef NABLA_FAST_SWITCH
    // The switch pops six registers and returns: lay out six zeros and fiberMain's address so that,
    // after the return, the stack is aligned as at a function's entry (rsp = 8 mod 16).
    std::uintptr_t top = (reinterpret_cast<std::uintptr_t>(f.stack) + STACK_BYTES) & ~static_cast<std::uintptr_t>(15);
    void** sp = reinterpret_cast<void**>(top - 16);  // rsp after ret: top - 8
    *sp = reinterpret_cast<void*>(&fiberMain);
    for (int i = 0; i < 6; i++) *--sp = nullptr;
    f.sp = sp;
#else
    getcontext(&f.ctx);
    f.ctx.uc_stack.ss_sp = f.stack;
    f.ctx.uc_stack.ss_size = STACK_BYTES;
    f.ctx.uc_link = nullptr;
    makecontext(&f.ctx, reinterpret_cast<void (*)()>(&fiberMain), 0);
#endif
    f.state = DONE;
}

void runBlock(unsigned threads) {
    while (fibers.size() < threads) {
        fibers.emplace_back();
        resetFiber(fibers.back());
    }
    for (unsigned t = 0; t < threads; t++) {
        Fiber& f = fibers[t];
        f.idx.x = t % blockDim_.x;
        f.idx.y = (t / blockDim_.x) % blockDim_.y;
        f.idx.z = t / (blockDim_.x * blockDim_.y);
        f.state = READY;
    }
    for (;;) {
        for (unsigned i = 0; i < threads; i++) {
            Fiber& f = fibers[reverseOrder ? threads - 1 - i : i];
            if (f.state != READY) continue;
            toFiber(f);
            if (!fiberError.empty()) {
                // The block's other fibers are parked inside the kernel: start them afresh.
                for (unsigned t = 0; t < threads; t++) {
                    if (fibers[t].state != DONE) resetFiber(fibers[t]);
                }
                throw Failure(fiberError);
            }
        }
        unsigned done = 0, waiting = 0;
        for (unsigned t = 0; t < threads; t++) {
            if (fibers[t].state == DONE) done++;
            if (fibers[t].state == AT_BARRIER) waiting++;
        }
        if (done == threads) return;
        if (done > 0) {
            for (unsigned t = 0; t < threads; t++) {
                if (fibers[t].state != DONE) resetFiber(fibers[t]);
            }
            throw Failure("__syncthreads() in block (" + std::to_string(blockIdx_.x) + ", " + std::to_string(blockIdx_.y)
                          + ", " + std::to_string(blockIdx_.z) + ") is not reached by all its threads: "
                          + std::to_string(done) + " exited while " + std::to_string(waiting) + " wait");
        }
        for (unsigned t = 0; t < threads; t++) fibers[t].state = READY;
    }
}

// ------------------------------------------------------------------ memory

const std::size_t ALIGN = 256;
const std::size_t GUARD = 256;

struct Allocation {
    char* base;       // start of the front guard
    std::size_t bytes;  // as asked
    std::size_t span;   // payload rounded up to ALIGN
};

std::map<std::uintptr_t, Allocation> allocations;
long long capacity = 0;
long long used = 0;

void poison(char* p, std::size_t n) {
    std::memset(p, 0xFF, n);
}

bool intact(const char* p, std::size_t n) {
    for (std::size_t i = 0; i < n; i++) {
        if (static_cast<unsigned char>(p[i]) != 0xFF) return false;
    }
    return true;
}
}  // namespace

void syncthreads() {
    current->state = AT_BARRIER;
    toScheduler();
}

void fail(const char* message) {
    throw Failure(message);
}

void register_kernel(const char* name, void* fn, Invoker invoker, int paramCount) {
    registry().push_back(KernelEntry{name, fn, invoker, paramCount});
}
}  // namespace emu

using namespace emu;

static void copyError(const std::string& message, char* err, int errLen) {
    if (err != nullptr && errLen > 0) {
        std::snprintf(err, static_cast<std::size_t>(errLen), "%s", message.c_str());
    }
}

extern "C" {

// Sets how many bytes the device holds (allocations beyond it fail, as on a full GPU).
void emu_set_capacity(long long capacityBytes) {
    capacity = capacityBytes;
}

// Resets the device: frees everything, sets the capacity in bytes.
void emu_init(long long capacityBytes) {
    for (auto& entry : allocations) std::free(entry.second.base);
    allocations.clear();
    capacity = capacityBytes;
    used = 0;
    reverseOrder = false;
}

// A 256-byte-aligned allocation filled with 0xFF, or 0 when it would exceed the capacity.
long long emu_alloc(long long bytes) {
    if (bytes <= 0) return 0;
    std::size_t span = (static_cast<std::size_t>(bytes) + ALIGN - 1) / ALIGN * ALIGN;
    if (used + static_cast<long long>(span) > capacity) return 0;
    void* base = nullptr;
    if (posix_memalign(&base, ALIGN, GUARD + span + GUARD) != 0) return 0;
    char* b = static_cast<char*>(base);
    poison(b, GUARD + span + GUARD);
    char* payload = b + GUARD;
    allocations[reinterpret_cast<std::uintptr_t>(payload)] = Allocation{b, static_cast<std::size_t>(bytes), span};
    used += static_cast<long long>(span);
    return static_cast<long long>(reinterpret_cast<std::uintptr_t>(payload));
}

// 0, or -1 if ptr is not a live allocation (a double free, say).
int emu_free(long long ptr) {
    auto it = allocations.find(static_cast<std::uintptr_t>(ptr));
    if (it == allocations.end()) return -1;
    used -= static_cast<long long>(it->second.span);
    std::free(it->second.base);
    allocations.erase(it);
    return 0;
}

void emu_mem_info(long long* freeBytes, long long* totalBytes) {
    *freeBytes = capacity - used;
    *totalBytes = capacity;
}

int emu_live_allocations() {
    return static_cast<int>(allocations.size());
}

// 0 when every red zone (and every payload's padding) is intact; else -1 and a message.
int emu_check_guards(char* err, int errLen) {
    for (auto& entry : allocations) {
        const Allocation& a = entry.second;
        const char* payload = a.base + GUARD;
        bool ok = intact(a.base, GUARD) && intact(payload + a.bytes, a.span - a.bytes + GUARD);
        if (!ok) {
            char buf[160];
            std::snprintf(buf, sizeof buf, "a kernel wrote outside the allocation of %zu bytes at 0x%llx", a.bytes,
                          static_cast<unsigned long long>(entry.first));
            copyError(buf, err, errLen);
            return -1;
        }
    }
    return 0;
}

// Run the threads of each block in reverse order (1) or in order (0): results must not change.
void emu_set_reverse_order(int reverse) {
    reverseOrder = reverse != 0;
}

int emu_kernel_count() {
    return static_cast<int>(registry().size());
}

const char* emu_kernel_name(int i) {
    return registry()[static_cast<std::size_t>(i)].name.c_str();
}

int emu_kernel_param_count(int i) {
    return registry()[static_cast<std::size_t>(i)].paramCount;
}

// Runs a kernel to completion: 0, or -1 with a message (unknown kernel, bad geometry, a failed
// kernel assumption, a barrier not reached by all threads, a red zone overwritten).
int emu_launch(const char* name, int gx, int gy, int gz, int bx, int by, int bz, void** params, char* err,
               int errLen) {
    const KernelEntry* kernel = nullptr;
    for (const KernelEntry& e : registry()) {
        if (e.name == name) kernel = &e;
    }
    if (kernel == nullptr) {
        copyError(std::string("no kernel named ") + name, err, errLen);
        return -1;
    }
    if (gx <= 0 || gy <= 0 || gz <= 0 || bx <= 0 || by <= 0 || bz <= 0 || gy > 65535 || gz > 65535
        || static_cast<long long>(bx) * by * bz > 1024 || bz > 64) {
        char buf[200];
        std::snprintf(buf, sizeof buf, "%s: invalid launch geometry grid (%d, %d, %d) block (%d, %d, %d)", name, gx, gy,
                      gz, bx, by, bz);
        copyError(buf, err, errLen);
        return -1;
    }
    runningKernel = kernel;
    runningParams = params;
    fiberError.clear();
    gridDim_ = Dim3{static_cast<unsigned>(gx), static_cast<unsigned>(gy), static_cast<unsigned>(gz)};
    blockDim_ = Dim3{static_cast<unsigned>(bx), static_cast<unsigned>(by), static_cast<unsigned>(bz)};
    unsigned threads = static_cast<unsigned>(bx * by * bz);
    try {
        for (int z = 0; z < gz; z++) {
            for (int y = 0; y < gy; y++) {
                for (int x = 0; x < gx; x++) {
                    blockIdx_ = Dim3{static_cast<unsigned>(x), static_cast<unsigned>(y), static_cast<unsigned>(z)};
                    runBlock(threads);
                }
            }
        }
    } catch (const std::exception& e) {
        copyError(std::string(name) + ": " + e.what(), err, errLen);
        return -1;
    }
    char guardError[200];
    if (emu_check_guards(guardError, sizeof guardError) != 0) {
        copyError(std::string(name) + ": " + guardError, err, errLen);
        return -1;
    }
    return 0;
}
}
