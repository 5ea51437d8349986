# Cross build for 64-bit Raspberry Pi OS / Debian arm64 on an x86-64 Debian 12 host, with
# Debian's multiarch packages (g++-aarch64-linux-gnu and the :arm64 -dev libraries in
# /usr/lib/aarch64-linux-gnu). scripts/cross-arm64.sh installs them and uses this file:
#   cmake -S . -B build-arm64 -DCMAKE_TOOLCHAIN_FILE=cmake/aarch64-linux-gnu.cmake
# Tests run under qemu-aarch64 (CMAKE_CROSSCOMPILING_EMULATOR).
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(CMAKE_C_COMPILER aarch64-linux-gnu-gcc)
set(CMAKE_CXX_COMPILER aarch64-linux-gnu-g++)
# find_package and find_library look in /usr/lib/aarch64-linux-gnu, never the host's x86_64 one.
set(CMAKE_LIBRARY_ARCHITECTURE aarch64-linux-gnu)
set(CMAKE_IGNORE_PATH /usr/lib/x86_64-linux-gnu /usr/lib/x86_64-linux-gnu/cmake)
# pkg-config (libsodium) reads the arm64 .pc files alone.
set(ENV{PKG_CONFIG_LIBDIR} /usr/lib/aarch64-linux-gnu/pkgconfig:/usr/share/pkgconfig)
# No -L /usr/aarch64-linux-gnu: the :arm64 libraries bring libc6:arm64, and -L would pair the
# cross package's ld.so with that libc (two glibc builds): pthread_create then spins forever.
set(CMAKE_CROSSCOMPILING_EMULATOR qemu-aarch64)
