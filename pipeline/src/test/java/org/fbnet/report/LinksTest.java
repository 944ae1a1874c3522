package org.fbnet.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.fbnet.store.DataRoot;
import org.fbnet.store.HadoopConf;
import org.junit.jupiter.api.Test;

class LinksTest {
    private final Configuration conf = HadoopConf.create();

    @Test
    void targetsUnderTheRootAreRelativeToThePageAndEncoded() throws Exception {
        // The same root spelled file:/ and file:///, as Hadoop paths come both ways.
        DataRoot root = DataRoot.of("file:///data/out", conf);
        Links links = new Links(root, new Path("file:/data/out/reports/index/v=1"));
        assertEquals("../../../models/fbnet/subj01/v=2/_manifest.json", links.href(new Path("file:/data/out/models/fbnet/subj01/v=2/_manifest.json"), false));
        assertEquals("../../../reports/my%20report/v=3/", links.href(new Path("file:///data/out/reports/my report/v=3"), true));
        assertEquals("reports/my report/v=3", links.display(new Path("file:/data/out/reports/my report/v=3")));
    }

    @Test
    void modelsUnderAnotherCheckpointRootGetTheirFullUri() throws Exception {
        DataRoot root = DataRoot.of("file:///data/out", conf).withCheckpoints("file:///shared/ckpt");
        Links links = new Links(root, new Path(root.path(RunReport.OUTPUT), "v=1"));
        Path model = root.path(DataRoot.model("fbnet", "subj01"));
        assertEquals("file:///shared/ckpt/models/fbnet/subj01/v=2/", links.href(new Path(model, "v=2"), true));
    }

    @Test
    void aPageOutsideTheRootIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new Links(DataRoot.of("file:///data/out", conf), new Path("file:///elsewhere/v=1")));
    }
}
