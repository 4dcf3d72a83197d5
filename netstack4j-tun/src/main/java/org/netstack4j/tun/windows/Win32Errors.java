package org.netstack4j.tun.windows;

/** Names and hints for the Win32 error codes Wintun reports, for readable exceptions. */
final class Win32Errors {
    static final int ERROR_SUCCESS = 0;
    static final int ERROR_FILE_NOT_FOUND = 2;
    static final int ERROR_PATH_NOT_FOUND = 3;
    static final int ERROR_ACCESS_DENIED = 5;
    static final int ERROR_INVALID_HANDLE = 6;
    static final int ERROR_NOT_ENOUGH_MEMORY = 8;
    static final int ERROR_INVALID_DATA = 13;
    static final int ERROR_HANDLE_EOF = 38;
    static final int ERROR_NOT_SUPPORTED = 50;
    static final int ERROR_INVALID_PARAMETER = 87;
    static final int ERROR_BUFFER_OVERFLOW = 111;
    static final int ERROR_ALREADY_EXISTS = 183;
    static final int ERROR_BAD_EXE_FORMAT = 193;
    static final int ERROR_NO_MORE_ITEMS = 259;

    private Win32Errors() {}

    /** The symbolic name of {@code code}, or its decimal value. */
    static String name(int code) {
        return switch (code) {
            case ERROR_SUCCESS -> "ERROR_SUCCESS";
            case ERROR_FILE_NOT_FOUND -> "ERROR_FILE_NOT_FOUND";
            case ERROR_PATH_NOT_FOUND -> "ERROR_PATH_NOT_FOUND";
            case ERROR_ACCESS_DENIED -> "ERROR_ACCESS_DENIED";
            case ERROR_INVALID_HANDLE -> "ERROR_INVALID_HANDLE";
            case ERROR_NOT_ENOUGH_MEMORY -> "ERROR_NOT_ENOUGH_MEMORY";
            case ERROR_INVALID_DATA -> "ERROR_INVALID_DATA";
            case ERROR_HANDLE_EOF -> "ERROR_HANDLE_EOF";
            case ERROR_NOT_SUPPORTED -> "ERROR_NOT_SUPPORTED";
            case ERROR_INVALID_PARAMETER -> "ERROR_INVALID_PARAMETER";
            case ERROR_BUFFER_OVERFLOW -> "ERROR_BUFFER_OVERFLOW";
            case ERROR_ALREADY_EXISTS -> "ERROR_ALREADY_EXISTS";
            case ERROR_BAD_EXE_FORMAT -> "ERROR_BAD_EXE_FORMAT";
            case ERROR_NO_MORE_ITEMS -> "ERROR_NO_MORE_ITEMS";
            default -> Integer.toString(code);
        };
    }

    /** What a user can do about {@code code}, or an empty string. */
    static String hint(int code) {
        return switch (code) {
            case ERROR_ACCESS_DENIED -> " (Wintun needs an elevated process: run as Administrator)";
            case ERROR_FILE_NOT_FOUND -> " (no such adapter, or the Wintun driver is not loaded)";
            case ERROR_HANDLE_EOF -> " (the adapter is shutting down)";
            case ERROR_INVALID_DATA -> " (the ring is corrupt)";
            case ERROR_BAD_EXE_FORMAT -> " (wintun.dll is built for another architecture than this JVM)";
            default -> "";
        };
    }
}
