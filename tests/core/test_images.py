import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import GifImagePlugin

from blog.models import Article, AuthorProfile
from clinic.models import ClinicSettings
from core.images import validate_raster_image
from tests.factories import animated_gif_bytes, png_bytes

GIF_BOMB = animated_gif_bytes(30, (6000, 6000))


def gif_upload(frames, size):
    return SimpleUploadedFile("moving.gif", animated_gif_bytes(frames, size), content_type="image/gif")


def test_validate_raster_image_refuses_an_animation_whose_frames_add_up_to_too_many_pixels():
    assert len(GIF_BOMB) < 1024

    with pytest.raises(ValidationError) as refused:
        validate_raster_image(SimpleUploadedFile("bomb.gif", GIF_BOMB, content_type="image/gif"))

    assert refused.value.messages == [
        "The animation has 30 frames of 6000×6000 pixels, more than we accept (40 million pixels in all frames "
        "together). Upload fewer or smaller frames."
    ]
    assert refused.value.error_list[0].code == "too_many_pixels"


def test_validate_raster_image_refuses_an_animation_without_decoding_its_frames(monkeypatch):
    frames_sought, loads = [], []
    seek, load = GifImagePlugin.GifImageFile.seek, GifImagePlugin.GifImageFile.load

    def recording_seek(image, frame):
        frames_sought.append(frame)
        return seek(image, frame)

    def recording_load(image):
        loads.append(image.tell())
        return load(image)

    monkeypatch.setattr(GifImagePlugin.GifImageFile, "seek", recording_seek)
    monkeypatch.setattr(GifImagePlugin.GifImageFile, "load", recording_load)

    with pytest.raises(ValidationError):
        validate_raster_image(SimpleUploadedFile("bomb.gif", GIF_BOMB, content_type="image/gif"))

    assert set(frames_sought) <= {0}
    assert loads == []


def test_validate_raster_image_counts_every_frame_against_the_pixel_limit(settings):
    settings.IMAGE_MAX_PIXELS = 100 * 100

    assert validate_raster_image(gif_upload(4, (50, 50))) == "GIF"
    with pytest.raises(ValidationError, match="has 5 frames of 50×50 pixels"):
        validate_raster_image(gif_upload(5, (50, 50)))


def test_validate_raster_image_names_the_size_of_an_image_larger_than_pillow_opens():
    huge = SimpleUploadedFile("huge.png", png_bytes((20000, 20000)), content_type="image/png")

    with pytest.raises(ValidationError) as refused:
        validate_raster_image(huge)

    assert refused.value.messages == ["The image is 20000×20000 pixels, more than we accept."]


def test_validate_raster_image_still_accepts_a_large_image_within_the_limit():
    assert validate_raster_image(SimpleUploadedFile("scan.png", png_bytes((6000, 6000)))) == "PNG"


@pytest.mark.parametrize(
    ("model", "field"),
    [(Article, "featured_image"), (AuthorProfile, "photo"), (ClinicSettings, "logo"), (ClinicSettings, "share_image")],
)
def test_image_fields_refuse_the_animated_gif_bomb(model, field):
    instance = model()
    setattr(instance, field, SimpleUploadedFile("bomb.gif", GIF_BOMB, content_type="image/gif"))
    others = [other.name for other in model._meta.fields if other.name != field]

    with pytest.raises(ValidationError) as refused:
        instance.clean_fields(exclude=others)

    assert "has 30 frames of 6000×6000 pixels, more than we accept" in refused.value.message_dict[field][0]
