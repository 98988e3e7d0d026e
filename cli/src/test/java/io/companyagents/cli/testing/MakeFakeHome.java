package io.companyagents.cli.testing;

import java.nio.file.Path;

/** {@code java ... MakeFakeHome <dir>}: manual experiments with fake services. */
public final class MakeFakeHome {
    private MakeFakeHome() {
    }

    public static void main(String[] args) throws Exception {
        System.out.println(FakeHome.create(Path.of(args[0])));
    }
}
