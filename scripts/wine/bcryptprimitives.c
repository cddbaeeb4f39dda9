/*
 * Test-only: Go's Windows runtime draws its random numbers from
 * bcryptprimitives.dll!ProcessPrng, which Windows 10 and later ship and
 * Wine 8 (Debian 12) does not. scripts/test-dist.sh builds this into the
 * throwaway Wine prefix it runs rtspview.exe in; it is never packaged.
 */
#include <windows.h>
#include <ntsecapi.h>

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE out, SIZE_T size)
{
	while (size) {
		ULONG chunk = size > 0x40000000 ? 0x40000000 : (ULONG)size;
		if (!RtlGenRandom(out, chunk))
			return FALSE;
		out += chunk;
		size -= chunk;
	}
	return TRUE;
}
