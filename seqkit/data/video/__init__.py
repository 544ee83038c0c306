"""Video clips for recurrent models: class folders and clip tables, frame sampling, contact sheets (TensorFlow-free).

OpenCV (`cv2`) is imported only when a video is read or a sheet is written; it is the `video` extra
(`pip install 'seqkit[video]'`, which installs opencv-python-headless).
"""

from seqkit.data.video.clips import Clip, iter_clips
from seqkit.data.video.contact_sheet import write_contact_sheet
from seqkit.data.video.frames import (
    VIDEO_SUFFIXES,
    FrameSampling,
    Frames,
    VideoInfo,
    iter_frame_windows,
    read_frames,
    video_info,
)

__all__ = [
    "VIDEO_SUFFIXES",
    "Clip",
    "FrameSampling",
    "Frames",
    "VideoInfo",
    "iter_clips",
    "iter_frame_windows",
    "read_frames",
    "video_info",
    "write_contact_sheet",
]
