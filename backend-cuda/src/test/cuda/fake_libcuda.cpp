// A fake libcuda for the tests: every driver function the backend binds, defined against the real
// cuda.h (so the compiler checks each definition against the header's prototype, under the same
// versioned names the driver exports, e.g. cuMemAlloc_v2), with behaviour a test sets through
// fake_configure: which error cuInit returns, the driver's CUDA version, the device count and
// compute capability, whether the module loads, a kernel the module lacks, the memory size.
// Memory is host memory, streams are synchronous, and kernel launches run in the host emulator
// (emu_device.cpp, compiled into this library), so a DriverGpu over this fake runs the backend
// end to end through the real FFM bindings.
//
// Build: g++ -std=c++17 -O2 -fno-strict-aliasing -shared -fPIC -I<cuda include> -I<src/main/cuda>
//        -o libfakecuda.so fake_libcuda.cpp
#include <cuda.h>

#include "host/emu_device.cpp"

#include <chrono>
#include <cstring>
#include <string>

namespace {
struct FakeConfig {
    int initResult = CUDA_SUCCESS;
    int driverVersion = 13000;
    int deviceCount = 1;
    int major = 9;
    int minor = 0;
    int sms = 132;
    int moduleResult = CUDA_SUCCESS;
    std::string missingKernel;
    long long memoryBytes = 1LL << 32;
};
FakeConfig config;
int contextToken;
int streamToken;

struct FakeModule {
    int token;
};
FakeModule module;

// Loaded without fake_configure (as libcuda.so.1 in run.sh's rehearsal): a healthy GPU with memory.
struct Startup {
    Startup() { emu_init(config.memoryBytes); }
} startup;

const char* errorName(CUresult r) {
    switch (r) {
        case CUDA_SUCCESS: return "CUDA_SUCCESS";
        case CUDA_ERROR_INVALID_VALUE: return "CUDA_ERROR_INVALID_VALUE";
        case CUDA_ERROR_OUT_OF_MEMORY: return "CUDA_ERROR_OUT_OF_MEMORY";
        case CUDA_ERROR_NOT_INITIALIZED: return "CUDA_ERROR_NOT_INITIALIZED";
        case CUDA_ERROR_STUB_LIBRARY: return "CUDA_ERROR_STUB_LIBRARY";
        case CUDA_ERROR_SYSTEM_DRIVER_MISMATCH: return "CUDA_ERROR_SYSTEM_DRIVER_MISMATCH";
        case CUDA_ERROR_NO_DEVICE: return "CUDA_ERROR_NO_DEVICE";
        case CUDA_ERROR_INVALID_DEVICE: return "CUDA_ERROR_INVALID_DEVICE";
        case CUDA_ERROR_INVALID_IMAGE: return "CUDA_ERROR_INVALID_IMAGE";
        case CUDA_ERROR_NO_BINARY_FOR_GPU: return "CUDA_ERROR_NO_BINARY_FOR_GPU";
        case CUDA_ERROR_UNSUPPORTED_PTX_VERSION: return "CUDA_ERROR_UNSUPPORTED_PTX_VERSION";
        case CUDA_ERROR_NOT_FOUND: return "CUDA_ERROR_NOT_FOUND";
        case CUDA_ERROR_LAUNCH_FAILED: return "CUDA_ERROR_LAUNCH_FAILED";
        case CUDA_ERROR_NOT_SUPPORTED: return "CUDA_ERROR_NOT_SUPPORTED";
        default: return nullptr;
    }
}
}  // namespace

extern "C" void fake_configure(int initResult, int driverVersion, int deviceCount, int major, int minor, int sms,
                               int moduleResult, const char* missingKernel, long long memoryBytes) {
    config.initResult = initResult;
    config.driverVersion = driverVersion;
    config.deviceCount = deviceCount;
    config.major = major;
    config.minor = minor;
    config.sms = sms;
    config.moduleResult = moduleResult;
    config.missingKernel = missingKernel == nullptr ? "" : missingKernel;
    config.memoryBytes = memoryBytes;
    emu_init(memoryBytes);
}

CUresult cuInit(unsigned int) {
    return static_cast<CUresult>(config.initResult);
}

CUresult cuDriverGetVersion(int* version) {
    *version = config.driverVersion;
    return CUDA_SUCCESS;
}

CUresult cuGetErrorName(CUresult error, const char** pStr) {
    const char* n = errorName(error);
    if (n == nullptr) return CUDA_ERROR_INVALID_VALUE;
    *pStr = n;
    return CUDA_SUCCESS;
}

CUresult cuGetErrorString(CUresult error, const char** pStr) {
    if (errorName(error) == nullptr) return CUDA_ERROR_INVALID_VALUE;
    *pStr = "as the fake driver says";
    return CUDA_SUCCESS;
}

CUresult cuDeviceGetCount(int* count) {
    *count = config.deviceCount;
    return CUDA_SUCCESS;
}

CUresult cuDeviceGet(CUdevice* device, int ordinal) {
    if (ordinal < 0 || ordinal >= config.deviceCount) return CUDA_ERROR_INVALID_DEVICE;
    *device = ordinal;
    return CUDA_SUCCESS;
}

CUresult cuDeviceGetName(char* name, int len, CUdevice) {
    std::snprintf(name, static_cast<std::size_t>(len), "Fake GPU (Nabla's test driver)");
    return CUDA_SUCCESS;
}

CUresult cuDeviceGetAttribute(int* value, CUdevice_attribute attribute, CUdevice) {
    switch (attribute) {
        case CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR: *value = config.major; return CUDA_SUCCESS;
        case CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR: *value = config.minor; return CUDA_SUCCESS;
        case CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT: *value = config.sms; return CUDA_SUCCESS;
        case CU_DEVICE_ATTRIBUTE_CLOCK_RATE: *value = 1980000; return CUDA_SUCCESS;
        default: return CUDA_ERROR_INVALID_VALUE;
    }
}

CUresult cuDeviceTotalMem(size_t* bytes, CUdevice) {
    *bytes = static_cast<size_t>(config.memoryBytes);
    return CUDA_SUCCESS;
}

CUresult cuDevicePrimaryCtxRetain(CUcontext* pctx, CUdevice) {
    *pctx = reinterpret_cast<CUcontext>(&contextToken);
    return CUDA_SUCCESS;
}

CUresult cuDevicePrimaryCtxRelease(CUdevice) {
    return CUDA_SUCCESS;
}

CUresult cuCtxSetCurrent(CUcontext ctx) {
    return ctx == reinterpret_cast<CUcontext>(&contextToken) ? CUDA_SUCCESS : CUDA_ERROR_INVALID_VALUE;
}

CUresult cuCtxSynchronize(void) {
    return CUDA_SUCCESS;
}

CUresult cuMemGetInfo(size_t* free, size_t* total) {
    long long f, t;
    emu_mem_info(&f, &t);
    *free = static_cast<size_t>(f);
    *total = static_cast<size_t>(t);
    return CUDA_SUCCESS;
}

CUresult cuMemAlloc(CUdeviceptr* dptr, size_t bytesize) {
    long long p = emu_alloc(static_cast<long long>(bytesize));
    if (p == 0) return CUDA_ERROR_OUT_OF_MEMORY;
    *dptr = static_cast<CUdeviceptr>(p);
    return CUDA_SUCCESS;
}

CUresult cuMemFree(CUdeviceptr dptr) {
    return emu_free(static_cast<long long>(dptr)) == 0 ? CUDA_SUCCESS : CUDA_ERROR_INVALID_VALUE;
}

CUresult cuMemAllocHost(void** pp, size_t bytesize) {
    void* p = nullptr;
    if (posix_memalign(&p, 256, bytesize) != 0) return CUDA_ERROR_OUT_OF_MEMORY;
    *pp = p;
    return CUDA_SUCCESS;
}

CUresult cuMemFreeHost(void* p) {
    std::free(p);
    return CUDA_SUCCESS;
}

CUresult cuMemcpyHtoDAsync(CUdeviceptr dst, const void* src, size_t bytes, CUstream) {
    std::memcpy(reinterpret_cast<void*>(dst), src, bytes);
    return CUDA_SUCCESS;
}

CUresult cuMemcpyDtoHAsync(void* dst, CUdeviceptr src, size_t bytes, CUstream) {
    std::memcpy(dst, reinterpret_cast<const void*>(src), bytes);
    return CUDA_SUCCESS;
}

CUresult cuMemsetD8Async(CUdeviceptr dst, unsigned char value, size_t count, CUstream) {
    std::memset(reinterpret_cast<void*>(dst), value, count);
    return CUDA_SUCCESS;
}

CUresult cuModuleLoadData(CUmodule* m, const void* image) {
    if (config.moduleResult != CUDA_SUCCESS) return static_cast<CUresult>(config.moduleResult);
    unsigned int magic;
    std::memcpy(&magic, image, 4);
    if (magic != 0xBA55ED50u) return CUDA_ERROR_INVALID_IMAGE;
    *m = reinterpret_cast<CUmodule>(&module);
    return CUDA_SUCCESS;
}

CUresult cuModuleGetFunction(CUfunction* f, CUmodule, const char* name) {
    if (config.missingKernel == name) return CUDA_ERROR_NOT_FOUND;
    for (int i = 0; i < emu_kernel_count(); i++) {
        if (std::strcmp(emu_kernel_name(i), name) == 0) {
            *f = reinterpret_cast<CUfunction>(const_cast<char*>(emu_kernel_name(i)));
            return CUDA_SUCCESS;
        }
    }
    return CUDA_ERROR_NOT_FOUND;
}

CUresult cuModuleUnload(CUmodule) {
    return CUDA_SUCCESS;
}

CUresult cuLaunchKernel(CUfunction f, unsigned int gx, unsigned int gy, unsigned int gz, unsigned int bx,
                        unsigned int by, unsigned int bz, unsigned int sharedMemBytes, CUstream, void** kernelParams,
                        void** extra) {
    if (sharedMemBytes != 0 || extra != nullptr) return CUDA_ERROR_INVALID_VALUE;
    char err[512];
    int r = emu_launch(reinterpret_cast<const char*>(f), static_cast<int>(gx), static_cast<int>(gy),
                       static_cast<int>(gz), static_cast<int>(bx), static_cast<int>(by), static_cast<int>(bz),
                       kernelParams, err, sizeof err);
    if (r != 0) {
        std::fprintf(stderr, "fake libcuda: %s\n", err);
        return CUDA_ERROR_LAUNCH_FAILED;
    }
    return CUDA_SUCCESS;
}

CUresult cuStreamCreate(CUstream* s, unsigned int) {
    *s = reinterpret_cast<CUstream>(&streamToken);
    return CUDA_SUCCESS;
}

CUresult cuStreamDestroy(CUstream) {
    return CUDA_SUCCESS;
}

CUresult cuStreamSynchronize(CUstream s) {
    return s == reinterpret_cast<CUstream>(&streamToken) ? CUDA_SUCCESS : CUDA_ERROR_INVALID_VALUE;
}

// Events hold the host time they were recorded at: launches are synchronous here.
CUresult cuEventCreate(CUevent* e, unsigned int) {
    *e = reinterpret_cast<CUevent>(new long long(0));
    return CUDA_SUCCESS;
}

CUresult cuEventRecord(CUevent e, CUstream) {
    *reinterpret_cast<long long*>(e) = std::chrono::duration_cast<std::chrono::nanoseconds>(
            std::chrono::steady_clock::now().time_since_epoch()).count();
    return CUDA_SUCCESS;
}

CUresult cuEventSynchronize(CUevent) {
    return CUDA_SUCCESS;
}

CUresult cuEventElapsedTime(float* ms, CUevent start, CUevent end) {
    *ms = static_cast<float>((*reinterpret_cast<long long*>(end) - *reinterpret_cast<long long*>(start)) / 1e6);
    return CUDA_SUCCESS;
}

CUresult cuEventDestroy(CUevent e) {
    delete reinterpret_cast<long long*>(e);
    return CUDA_SUCCESS;
}

CUresult cuStreamBeginCapture(CUstream, CUstreamCaptureMode) {
    return CUDA_ERROR_NOT_SUPPORTED;
}

CUresult cuStreamEndCapture(CUstream, CUgraph*) {
    return CUDA_ERROR_NOT_SUPPORTED;
}

CUresult cuGraphInstantiateWithFlags(CUgraphExec*, CUgraph, unsigned long long) {
    return CUDA_ERROR_NOT_SUPPORTED;
}

CUresult cuGraphLaunch(CUgraphExec, CUstream) {
    return CUDA_ERROR_NOT_SUPPORTED;
}

CUresult cuGraphExecDestroy(CUgraphExec) {
    return CUDA_ERROR_NOT_SUPPORTED;
}

CUresult cuGraphDestroy(CUgraph) {
    return CUDA_ERROR_NOT_SUPPORTED;
}
