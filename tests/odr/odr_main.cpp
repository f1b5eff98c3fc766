#include <cstdio>

int odr_a();
int odr_b();

int main() {
    // Both TUs must see the same inline definitions.
    if (odr_a() != odr_b()) {
        std::fputs("odr: the two translation units disagree\n", stderr);
        return 1;
    }
    return 0;
}
